package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import io.streamingetl.clickhouse.schema.TypeFamilies;
import org.apache.kafka.connect.data.Schema;

import java.util.Arrays;
import java.util.List;

/**
 * io.debezium.data.EnumSet (STRING, the chosen members comma-joined in definition order; parameter
 * {@code allowed}) -> an array of its members, their element type following {@code table.enum.type}:
 * Array(LowCardinality(String)), Array(Enum8/Enum16), or, with String, the comma-joined text as
 * MySQL renders it. ClickHouse has no Nullable(Array): a NULL set lands as [] (String keeps NULL
 * apart from the empty set).
 */
public final class SetType implements ColumnType {
    /** For a String column (table.enum.type=String, or a table created before sets became arrays). */
    private static final ColumnType AS_TEXT = (schema, ctx) -> "String";

    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.EnumSet"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        String allowed = EnumType.allowed(schema);
        return switch (ctx.enumMode()) {
            case STRING -> "String";
            case LOW_CARDINALITY -> "Array(LowCardinality(String))";
            case ENUM -> allowed == null ? "Array(LowCardinality(String))" : "Array(" + EnumType.enumOf(allowed) + ")";
        };
    }

    @Override
    public ColumnType forColumn(String columnType) {
        return TypeFamilies.base(columnType).startsWith("Array(") ? this : AS_TEXT;
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        // Members never contain ',' (MySQL refuses such a SET definition).
        String members = (String) value;
        return members.isEmpty() ? List.of() : Arrays.asList(members.split(",", -1));
    }
}
