package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

import java.time.Instant;

/**
 * INT64 instants named by Debezium (and by the enrich SMT for micro timestamps):
 * Timestamp (millis) -> DateTime64(3), MicroTimestamp -> DateTime64(6), NanoTimestamp -> DateTime64(9).
 * Values become Instants so an existing column of another precision still gets the right instant.
 */
public final class DebeziumTimestampType implements ColumnType {
    private final String name;
    private final int scale;

    private DebeziumTimestampType(String name, int scale) {
        this.name = name;
        this.scale = scale;
    }

    public static DebeziumTimestampType millis() {
        return new DebeziumTimestampType("io.debezium.time.Timestamp", 3);
    }

    public static DebeziumTimestampType micros() {
        return new DebeziumTimestampType("io.debezium.time.MicroTimestamp", 6);
    }

    public static DebeziumTimestampType nanos() {
        return new DebeziumTimestampType("io.debezium.time.NanoTimestamp", 9);
    }

    @Override
    public String[] schemaNames() {
        return new String[]{name};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "DateTime64(" + scale + ", " + ctx.quotedZone() + ")";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (!(value instanceof Number n)) {
            return value;
        }
        long v = n.longValue();
        return switch (scale) {
            case 3 -> Instant.ofEpochMilli(v);
            case 6 -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
            default -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
        };
    }
}
