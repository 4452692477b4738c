package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/** io.debezium.time.Year (INT32: 0 or 1901..2155, MySQL's YEAR) -> UInt16. */
public final class YearType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.time.Year"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "UInt16";
    }
}
