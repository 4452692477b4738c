package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/**
 * Debezium times of day as numbers since midnight: Time (INT32 ms) -> Int32, MicroTime and
 * NanoTime (INT64) -> Int64. Same reasoning as Connect Time: no stable Time type in ClickHouse yet.
 */
public final class TimeOfDayType implements ColumnType {
    private final String name;
    private final String type;

    private TimeOfDayType(String name, String type) {
        this.name = name;
        this.type = type;
    }

    public static TimeOfDayType millis() {
        return new TimeOfDayType("io.debezium.time.Time", "Int32");
    }

    public static TimeOfDayType micros() {
        return new TimeOfDayType("io.debezium.time.MicroTime", "Int64");
    }

    public static TimeOfDayType nanos() {
        return new TimeOfDayType("io.debezium.time.NanoTime", "Int64");
    }

    @Override
    public String[] schemaNames() {
        return new String[]{name};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return type;
    }
}
