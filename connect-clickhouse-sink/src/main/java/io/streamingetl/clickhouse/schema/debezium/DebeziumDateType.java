package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/** io.debezium.time.Date (INT32 days since epoch) -> Date32. */
public final class DebeziumDateType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.time.Date"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "Date32";
    }
}
