package io.streamingetl.enrich;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import io.streamingetl.enrich.CdcEnrichConfig.Meta;

/**
 * The flat row for one envelope schema (schema'd data): the table's columns flattened, then the
 * CDC metadata fields. Built once per envelope schema and cached; {@link #row} fills one Struct.
 */
final class RowPlan {

    /** Marks a value schema that is no change envelope, so the cache remembers "pass through". */
    static final RowPlan NOT_AN_ENVELOPE = new RowPlan();

    final EnvelopeReader envelope;
    final Schema schema;
    private final FlattenPlan flatten;
    private final Field op;
    private final Field tsMs;
    private final Field db;
    private final Field table;
    private final Field deleted;
    private final Field version;

    private RowPlan() {
        envelope = null;
        schema = null;
        flatten = null;
        op = tsMs = db = table = deleted = version = null;
    }

    private RowPlan(EnvelopeReader envelope, CdcEnrichConfig config) {
        this.envelope = envelope;
        Schema row = envelope.rowSchema;
        // Same name as the row schema: what ExtractNewRecordState emits, so Avro subjects stay put.
        SchemaBuilder b = SchemaBuilder.struct().name(row.name()).version(row.version()).doc(row.doc());
        if (row.isOptional()) {
            b.optional();
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (Meta m : Meta.values()) {
            String name = config.metaName(m);
            if (name != null) {
                names.put(name, FlattenPlan.METADATA + " (" + m.nameOption() + ")");
            }
        }
        flatten = FlattenPlan.build(row, config.delimiter, config.collections, b, names);
        addMeta(b, config, Meta.OP, Schema.STRING_SCHEMA);
        addMeta(b, config, Meta.TS_MS, Schema.OPTIONAL_INT64_SCHEMA);
        addMeta(b, config, Meta.DB, Schema.OPTIONAL_STRING_SCHEMA);
        addMeta(b, config, Meta.TABLE, Schema.OPTIONAL_STRING_SCHEMA);
        addMeta(b, config, Meta.DELETED, Schema.INT8_SCHEMA);
        addMeta(b, config, Meta.VERSION, Schema.INT64_SCHEMA);
        schema = b.build();
        flatten.bind(schema);
        op = metaField(config, Meta.OP);
        tsMs = metaField(config, Meta.TS_MS);
        db = metaField(config, Meta.DB);
        table = metaField(config, Meta.TABLE);
        deleted = metaField(config, Meta.DELETED);
        version = metaField(config, Meta.VERSION);
    }

    static RowPlan forSchema(Schema valueSchema, CdcEnrichConfig config) {
        EnvelopeReader reader = EnvelopeReader.forSchema(valueSchema);
        return reader == null ? NOT_AN_ENVELOPE : new RowPlan(reader, config);
    }

    private static void addMeta(SchemaBuilder b, CdcEnrichConfig config, Meta m, Schema schema) {
        String name = config.metaName(m);
        if (name != null) {
            b.field(name, schema);
        }
    }

    private Field metaField(CdcEnrichConfig config, Meta m) {
        String name = config.metaName(m);
        return name == null ? null : schema.field(name);
    }

    /** The row's {@code _version}, or null when the version metadata is switched off. */
    Long version(Struct row) {
        return version == null ? null : (Long) row.get(version);
    }

    private static final Byte ZERO = 0;
    private static final Byte ONE = 1;

    /** The flat row of one image (after for c/r/u, before for a soft delete). */
    Struct row(Struct envelopeStruct, Struct image, String opCode, boolean isDeleted) {
        Struct source = envelope.source(envelopeStruct);
        Struct out = new Struct(schema);
        SourceReader src = envelope.sourceReader;
        flatten.fill(image, out, !src.isSnapshot(source, opCode));
        if (op != null) {
            out.put(op, opCode);
        }
        if (tsMs != null) {
            out.put(tsMs, src.tsMs(source));
        }
        if (db != null) {
            out.put(db, src.db(source));
        }
        if (table != null) {
            out.put(table, src.table(source));
        }
        if (deleted != null) {
            out.put(deleted, isDeleted ? ONE : ZERO);
        }
        if (version != null) {
            out.put(version, src.version(source, opCode));
        }
        return out;
    }
}
