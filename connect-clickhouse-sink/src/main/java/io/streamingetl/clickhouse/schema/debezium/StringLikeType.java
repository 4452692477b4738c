package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/**
 * Debezium STRING logical types kept as text: Xml, ZonedTimestamp, ZonedTime (the ISO
 * text keeps the source's offset, which DateTime64 would drop). Fields can be made LowCardinality
 * with table.low.cardinality.fields. (Enum has its own {@link EnumType}.)
 */
public final class StringLikeType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.Xml",
                "io.debezium.time.ZonedTimestamp", "io.debezium.time.ZonedTime", "io.debezium.data.Bits"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "String";
    }
}
