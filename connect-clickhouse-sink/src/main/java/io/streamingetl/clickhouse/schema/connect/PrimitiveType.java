package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/** Plain Connect types: INT8..INT64, FLOAT32/64, BOOLEAN, STRING, BYTES. */
public final class PrimitiveType implements ColumnType {
    private final Schema.Type type;

    public PrimitiveType(Schema.Type type) {
        this.type = type;
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return switch (type) {
            case INT8 -> "Int8";
            case INT16 -> "Int16";
            case INT32 -> "Int32";
            case INT64 -> "Int64";
            case FLOAT32 -> "Float32";
            case FLOAT64 -> "Float64";
            case BOOLEAN -> "Bool";
            case STRING, BYTES -> "String";
            default -> throw new IllegalStateException("not a primitive type: " + type);
        };
    }
}
