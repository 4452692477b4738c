package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.schema.connect.ArrayType;
import io.streamingetl.clickhouse.schema.connect.ConnectDateType;
import io.streamingetl.clickhouse.schema.connect.ConnectDecimalType;
import io.streamingetl.clickhouse.schema.connect.ConnectTimeType;
import io.streamingetl.clickhouse.schema.connect.ConnectTimestampType;
import io.streamingetl.clickhouse.schema.connect.MapType;
import io.streamingetl.clickhouse.schema.connect.PrimitiveType;
import io.streamingetl.clickhouse.schema.connect.StructAsJsonType;
import io.streamingetl.clickhouse.schema.debezium.DebeziumDateType;
import io.streamingetl.clickhouse.schema.debezium.DebeziumTimestampType;
import io.streamingetl.clickhouse.schema.debezium.EnumType;
import io.streamingetl.clickhouse.schema.debezium.JsonType;
import io.streamingetl.clickhouse.schema.debezium.SetType;
import io.streamingetl.clickhouse.schema.debezium.StringLikeType;
import io.streamingetl.clickhouse.schema.debezium.TimeOfDayType;
import io.streamingetl.clickhouse.schema.debezium.UnsignedIntType;
import io.streamingetl.clickhouse.schema.debezium.UuidType;
import io.streamingetl.clickhouse.schema.debezium.VariableScaleDecimalType;
import io.streamingetl.clickhouse.schema.debezium.YearType;
import org.apache.kafka.connect.data.Schema;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** Column types keyed by schema name, with one fallback per plain Connect type. */
public final class TypeRegistry {
    private final Map<String, ColumnType> byName = new HashMap<>();
    private final Map<Schema.Type, ColumnType> byType = new EnumMap<>(Schema.Type.class);
    private final ColumnType unsigned = new UnsignedIntType();

    public static TypeRegistry standard() {
        TypeRegistry r = new TypeRegistry();
        for (Schema.Type t : Schema.Type.values()) {
            switch (t) {
                case ARRAY -> r.byType.put(t, new ArrayType());
                case MAP -> r.byType.put(t, new MapType());
                case STRUCT -> r.byType.put(t, new StructAsJsonType());
                default -> r.byType.put(t, new PrimitiveType(t));
            }
        }
        r.register(new ConnectDecimalType());
        r.register(new ConnectDateType());
        r.register(new ConnectTimeType());
        r.register(new ConnectTimestampType());
        r.register(new DebeziumDateType());
        r.register(DebeziumTimestampType.millis());
        r.register(DebeziumTimestampType.micros());
        r.register(DebeziumTimestampType.nanos());
        r.register(TimeOfDayType.millis());
        r.register(TimeOfDayType.micros());
        r.register(TimeOfDayType.nanos());
        r.register(new UuidType());
        r.register(new JsonType());
        r.register(new VariableScaleDecimalType());
        r.register(new StringLikeType());
        r.register(new EnumType());
        r.register(new SetType());
        r.register(new YearType());
        return r;
    }

    public TypeRegistry register(ColumnType type) {
        for (String n : type.schemaNames()) {
            byName.put(n, type);
        }
        return this;
    }

    public ColumnType lookup(Schema schema) {
        // The source column's type, when Debezium propagates it, outranks the Connect type.
        if (UnsignedIntType.unsignedType(schema) != null) {
            return unsigned;
        }
        if (schema.name() != null) {
            ColumnType t = byName.get(schema.name());
            if (t != null) {
                return t;
            }
        }
        return byType.get(schema.type());
    }

    /** Full column type for a field: Nullable when optional and ClickHouse allows it. */
    public String columnType(Schema schema, TypeContext ctx, boolean forceNotNull) {
        ColumnType type = lookup(schema);
        String base = type.clickHouseType(schema, ctx);
        boolean lowCardinality = (ctx.fieldName() != null && ctx.lowCardinalityFields().contains(ctx.fieldName()))
                || (type instanceof EnumType && EnumType.lowCardinality(ctx));
        if (lowCardinality && base.equals("String")) {
            return schema.isOptional() && !forceNotNull ? "LowCardinality(Nullable(String))" : "LowCardinality(String)";
        }
        if (schema.isOptional() && !forceNotNull && canBeNullable(base)) {
            return "Nullable(" + base + ")";
        }
        return base;
    }

    /** Array, Map, Tuple, JSON and LowCardinality cannot sit inside Nullable. */
    public static boolean canBeNullable(String type) {
        return !(type.startsWith("Array(") || type.startsWith("Map(") || type.startsWith("Tuple(")
                || type.startsWith("JSON") || type.startsWith("LowCardinality(") || type.startsWith("Nullable("));
    }
}
