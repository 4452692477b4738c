package io.streamingetl.enrich;

import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads a Debezium change envelope ({@code before}, {@code after}, {@code source}, {@code op},
 * {@code ts_ms}): which operation, which image, which source position. It
 * knows nothing about the flat row; {@link RowPlan} builds that.
 *
 * <p>Schema'd: one reader per envelope schema, holding the fields so that reads are by index.
 * Schemaless: static helpers over the Map JsonConverter gives with schemas.enable=false.
 */
final class EnvelopeReader {

    static final String OP = "op";
    static final String BEFORE = "before";
    static final String AFTER = "after";
    static final String SOURCE = "source";

    final Field op;
    final Field before;
    final Field after;
    final Field source;
    /** The table's row schema (before and after share it). */
    final Schema rowSchema;
    final SourceReader sourceReader;

    private EnvelopeReader(Field op, Field before, Field after, Field source, Schema rowSchema) {
        this.op = op;
        this.before = before;
        this.after = after;
        this.source = source;
        this.rowSchema = rowSchema;
        this.sourceReader = new SourceReader(source.schema());
    }

    /**
     * The reader for an envelope schema, or null when the schema is no change envelope (schema
     * change events, heartbeats, already flat rows): those records pass through unchanged.
     */
    static EnvelopeReader forSchema(Schema schema) {
        if (schema == null || schema.type() != Schema.Type.STRUCT) {
            return null;
        }
        Field op = schema.field(OP);
        Field source = schema.field(SOURCE);
        Field before = schema.field(BEFORE);
        Field after = schema.field(AFTER);
        if (op == null || op.schema().type() != Schema.Type.STRING
                || source == null || source.schema().type() != Schema.Type.STRUCT
                || before == null || before.schema().type() != Schema.Type.STRUCT
                || after == null || after.schema().type() != Schema.Type.STRUCT) {
            return null;
        }
        return new EnvelopeReader(op, before, after, source, after.schema());
    }

    String op(Struct envelope) {
        return (String) envelope.get(op);
    }

    Struct before(Struct envelope) {
        return (Struct) envelope.get(before);
    }

    Struct after(Struct envelope) {
        return (Struct) envelope.get(after);
    }

    Struct source(Struct envelope) {
        return (Struct) envelope.get(source);
    }

    /**
     * The schemaless form: a Map with op, source, before and after keys. Whether op is a string and
     * source a map is checked when the record is read, so a broken envelope is an error, not a pass.
     */
    static boolean isEnvelope(Map<?, ?> value) {
        return value.containsKey(OP)
                && value.containsKey(SOURCE)
                && value.containsKey(BEFORE)
                && value.containsKey(AFTER);
    }
}
