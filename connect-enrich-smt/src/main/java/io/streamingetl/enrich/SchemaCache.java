package io.streamingetl.enrich;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.connect.data.Schema;

/**
 * Plans per input schema, bounded LRU (default 1024: a task may see hundreds of tables; Kafka's
 * 16-entry cache thrashes).
 *
 * <p>Two levels because ConnectSchema.hashCode/equals walk the whole schema: converters and
 * Debezium hand out the same Schema instance for every record of a table, so an identity lookup
 * answers almost always; equal-but-distinct instances fall back to the equality LRU and are then
 * remembered by identity too.
 *
 * <p>Not thread-safe on purpose: Connect gives each task its own transformation instances and calls
 * them from the task thread only.
 */
final class SchemaCache<V> {

    private final int capacity;
    private final IdentityHashMap<Schema, V> byIdentity = new IdentityHashMap<>();
    private final LinkedHashMap<Schema, V> byEquality;

    SchemaCache(int capacity) {
        this.capacity = capacity;
        this.byEquality = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Schema, V> eldest) {
                return size() > SchemaCache.this.capacity;
            }
        };
    }

    V get(Schema schema, Function<Schema, V> build) {
        V v = byIdentity.get(schema);
        if (v != null) {
            return v;
        }
        v = byEquality.get(schema);
        if (v == null) {
            v = build.apply(schema);
            byEquality.put(schema, v);
        }
        if (byIdentity.size() >= capacity) {
            byIdentity.clear(); // cheap to refill from byEquality; keeps memory bounded
        }
        byIdentity.put(schema, v);
        return v;
    }

    int size() {
        return byEquality.size();
    }
}
