package io.streamingetl.clickhouse.schema;

import org.apache.kafka.connect.data.Schema;

/**
 * How one kind of Connect value (a Connect type, or a logical type named by its schema name)
 * becomes a ClickHouse column: the column type a new table gets, and the value the encoders take.
 * One small class per kind, registered in {@link TypeRegistry} (Debezium JDBC sink style).
 */
public interface ColumnType {
    /** Schema names this type handles; empty for the fallback of a plain Connect type. */
    default String[] schemaNames() {
        return new String[0];
    }

    /** ClickHouse type without Nullable, e.g. {@code DateTime64(3, 'UTC')}. */
    String clickHouseType(Schema schema, TypeContext ctx);

    /**
     * The Connect value as one of the canonical Java values the encoders accept (Number, Boolean,
     * String, byte[], BigDecimal, java.util.Date / Instant for instants, LocalDate / Integer days for
     * dates, UUID, List, Map). Most types pass the value through.
     */
    default Object toCanonical(Object value, Schema schema) {
        return value;
    }

    /**
     * The type that writes this field into an existing column of {@code columnType}: itself, or a
     * variant for a column created another way (a SET into a String column of an older table).
     */
    default ColumnType forColumn(String columnType) {
        return this;
    }
}
