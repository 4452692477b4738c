package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;

/** Connect Date (java.util.Date at midnight UTC) -> Date32 (covers 1900..2299, unlike Date). */
public final class ConnectDateType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{Date.LOGICAL_NAME};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "Date32";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (value instanceof java.util.Date d) {
            return (int) Math.floorDiv(d.getTime(), 86_400_000L);
        }
        return value;
    }
}
