package io.streamingetl.common;

import org.apache.kafka.connect.data.Schema;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What was built per record schema (a flatten plan, a column plan), a bounded LRU: a task may see
 * hundreds of tables, and Kafka's 16-entry cache thrashes.
 *
 * <p>Two levels because ConnectSchema.hashCode/equals walk the whole schema: converters and
 * Debezium hand out the same Schema instance for every record of a table, so an identity lookup
 * answers almost always; equal-but-distinct instances fall back to the equality LRU and are then
 * remembered by identity too. A null schema (schemaless records) is a key like any other.
 *
 * <p>Not thread-safe on purpose: Connect gives each task its own transformation and task instances
 * and calls them from the task thread only.
 */
public final class SchemaCache<V> {
    private final int capacity;
    private final IdentityHashMap<Schema, V> byIdentity = new IdentityHashMap<>();
    private final LinkedHashMap<Schema, V> byEquality;

    public SchemaCache(int capacity) {
        this.capacity = capacity;
        this.byEquality = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Schema, V> eldest) {
                return size() > SchemaCache.this.capacity;
            }
        };
    }

    /** What was built for {@code schema} (or an equal one), or null. */
    public V get(Schema schema) {
        V v = byIdentity.get(schema);
        if (v != null) {
            return v;
        }
        v = byEquality.get(schema);
        if (v != null) {
            remember(schema, v);
        }
        return v;
    }

    public void put(Schema schema, V value) {
        byEquality.put(schema, value);
        remember(schema, value);
    }

    /** What was built for {@code schema}, building it on a miss. */
    public V get(Schema schema, Function<Schema, V> build) {
        V v = get(schema);
        if (v == null) {
            v = build.apply(schema);
            put(schema, v);
        }
        return v;
    }

    private void remember(Schema schema, V value) {
        if (byIdentity.size() >= capacity) {
            byIdentity.clear(); // cheap to refill from byEquality; keeps memory bounded
        }
        byIdentity.put(schema, value);
    }

    public int size() {
        return byEquality.size();
    }
}
