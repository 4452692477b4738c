package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/**
 * Debezium times of day (MySQL TIME: -838:59:59 to 838:59:59, so not a time of day at all):
 * Time (INT32 ms), MicroTime and NanoTime (INT64) -> Time64(3/6/9) where the server has Time64
 * (enabled by default in 26.7; range +-999:59:59.999999999), else the number itself in Int32 / Int64.
 * The encoder takes the number as ticks of the column's own scale, which the created column matches.
 */
public final class TimeOfDayType implements ColumnType {
    private final String name;
    private final String legacyType;
    private final int scale;

    private TimeOfDayType(String name, String legacyType, int scale) {
        this.name = name;
        this.legacyType = legacyType;
        this.scale = scale;
    }

    public static TimeOfDayType millis() {
        return new TimeOfDayType("io.debezium.time.Time", "Int32", 3);
    }

    public static TimeOfDayType micros() {
        return new TimeOfDayType("io.debezium.time.MicroTime", "Int64", 6);
    }

    public static TimeOfDayType nanos() {
        return new TimeOfDayType("io.debezium.time.NanoTime", "Int64", 9);
    }

    @Override
    public String[] schemaNames() {
        return new String[]{name};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return ctx.time64() ? "Time64(" + scale + ")" : legacyType;
    }
}
