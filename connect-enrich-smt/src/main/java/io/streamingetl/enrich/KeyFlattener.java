package io.streamingetl.enrich;

import java.util.HashMap;
import java.util.Map;

import io.streamingetl.common.SchemaCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * Flattens a record key (or any plain struct) with the rules of the row: nested structs joined by
 * the delimiter, logical types normalised, no metadata. Used by {@link CdcEnrich.Key} and by
 * {@link CdcEnrich.Value} with {@code key.flatten=true}.
 */
final class KeyFlattener {

    private static final class Flat {
        final Schema schema;
        final FlattenPlan plan;

        Flat(Schema schema, FlattenPlan plan) {
            this.schema = schema;
            this.plan = plan;
        }
    }

    private final CdcEnrichConfig config;
    private final SchemaCache<Flat> plans;
    private final SchemalessFlattener schemaless;

    KeyFlattener(CdcEnrichConfig config) {
        this.config = config;
        this.plans = new SchemaCache<>(config.schemaCacheSize);
        this.schemaless = new SchemalessFlattener(config.delimiter, config.collections, config.schemaCacheSize);
    }

    /** The flat key, or null when the key is no struct or map (then it stays as it is). */
    SchemaAndValue flatten(Object key, String topic) {
        if (key instanceof Struct) {
            Struct s = (Struct) key;
            Flat flat = plans.get(s.schema(), this::plan);
            Struct out = new Struct(flat.schema);
            // A key has no source block to tell binlog from snapshot: its values stay as Debezium sent them.
            flat.plan.fill(s, out, false);
            return new SchemaAndValue(flat.schema, out);
        }
        if (key instanceof Map) {
            return new SchemaAndValue(null, schemaless.flatten((Map<?, ?>) key, topic));
        }
        return null;
    }

    private Flat plan(Schema schema) {
        SchemaBuilder b = SchemaBuilder.struct().name(schema.name()).version(schema.version()).doc(schema.doc());
        if (schema.isOptional()) {
            b.optional();
        }
        FlattenPlan plan = FlattenPlan.build(schema, config.delimiter, config.collections, b, new HashMap<>());
        Schema flat = b.build();
        return new Flat(flat, plan.bind(flat));
    }
}
