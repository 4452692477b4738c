package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;

/**
 * Connect Time (java.util.Date, millis of day) -> Int32 milliseconds since midnight. ClickHouse's
 * Time/Time64 types are still behind a setting in 26.x, so a plain number is the portable choice.
 */
public final class ConnectTimeType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{Time.LOGICAL_NAME};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "Int32";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (value instanceof java.util.Date d) {
            return (int) Math.floorMod(d.getTime(), 86_400_000L);
        }
        return value;
    }
}
