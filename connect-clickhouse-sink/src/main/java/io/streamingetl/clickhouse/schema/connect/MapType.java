package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

import java.util.LinkedHashMap;
import java.util.Map;

/** Connect MAP -> Map(K, V). Keys are never Nullable in ClickHouse. */
public final class MapType implements ColumnType {
    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        TypeContext inner = ctx.forField(null);
        return "Map(" + ctx.registry().columnType(schema.keySchema(), inner, true) + ", "
                + ctx.registry().columnType(schema.valueSchema(), inner, false) + ")";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (!(value instanceof Map<?, ?> map)) {
            return value;
        }
        ColumnType k = NestedValues.typeOf(schema.keySchema());
        ColumnType v = NestedValues.typeOf(schema.valueSchema());
        if (k == null && v == null) {
            return value;
        }
        Map<Object, Object> out = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = k == null || e.getKey() == null ? e.getKey() : k.toCanonical(e.getKey(), schema.keySchema());
            Object val = v == null || e.getValue() == null ? e.getValue()
                    : v.toCanonical(e.getValue(), schema.valueSchema());
            out.put(key, val);
        }
        return out;
    }
}
