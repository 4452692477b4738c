package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

import java.util.ArrayList;
import java.util.List;

/** Connect ARRAY -> Array(T); elements mapped by the registry (Nullable when optional). */
public final class ArrayType implements ColumnType {
    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "Array(" + ctx.registry().columnType(schema.valueSchema(), ctx.forField(null), false) + ")";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (!(value instanceof List<?> list)) {
            return value;
        }
        Schema elem = schema.valueSchema();
        ColumnType inner = NestedValues.typeOf(elem);
        if (inner == null) {
            return value;
        }
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(o == null ? null : inner.toCanonical(o, elem));
        }
        return out;
    }
}
