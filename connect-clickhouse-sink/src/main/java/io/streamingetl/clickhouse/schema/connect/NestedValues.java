package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeRegistry;
import org.apache.kafka.connect.data.Schema;

/** Element conversion inside arrays and maps; null when elements pass through unchanged. */
final class NestedValues {
    private static final TypeRegistry REGISTRY = TypeRegistry.standard();

    private NestedValues() {
    }

    static ColumnType typeOf(Schema schema) {
        if (schema.name() == null && schema.type().isPrimitive()) {
            return null;
        }
        return REGISTRY.lookup(schema);
    }
}
