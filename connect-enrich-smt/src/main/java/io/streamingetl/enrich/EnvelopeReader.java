package io.streamingetl.enrich;

import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads a Debezium change envelope ({@code before}, {@code after}, {@code source}, {@code op},
 * {@code ts_ms}, {@code transaction}): which operation, which image, which source position. It
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
    static final String TRANSACTION = "transaction";
    static final String TOTAL_ORDER = "total_order";

    final Field op;
    final Field before;
    final Field after;
    final Field source;
    /** The table's row schema (before and after share it). */
    final Schema rowSchema;
    final SourceReader sourceReader;
    /** The transaction block and its total_order (null when the schema has none). */
    private final Field transaction;
    private final Field totalOrder;

    private EnvelopeReader(Field op, Field before, Field after, Field source, Field transaction, Schema rowSchema) {
        this.op = op;
        this.before = before;
        this.after = after;
        this.source = source;
        this.rowSchema = rowSchema;
        this.sourceReader = new SourceReader(source.schema());
        this.transaction = transaction != null && transaction.schema().type() == Schema.Type.STRUCT
                ? transaction : null;
        this.totalOrder = this.transaction == null ? null : this.transaction.schema().field(TOTAL_ORDER);
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
        return new EnvelopeReader(op, before, after, source, schema.field(TRANSACTION), after.schema());
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

    /** transaction.total_order (1-based order of the change in its transaction), or null. */
    Long totalOrder(Struct envelope) {
        if (totalOrder == null) {
            return null;
        }
        Struct tx = (Struct) envelope.get(transaction);
        Object v = tx == null ? null : tx.get(totalOrder);
        return v == null ? null : ((Number) v).longValue();
    }

    static Long totalOrder(Map<?, ?> envelope) {
        Object tx = envelope.get(TRANSACTION);
        Object v = tx instanceof Map ? ((Map<?, ?>) tx).get(TOTAL_ORDER) : null;
        return v instanceof Number ? ((Number) v).longValue() : null;
    }

    /** The schemaless form: a Map with an op string, a source map and before/after keys. */
    static boolean isEnvelope(Map<?, ?> value) {
        return value.get(OP) instanceof String
                && value.get(SOURCE) instanceof Map
                && value.containsKey(BEFORE)
                && value.containsKey(AFTER);
    }
}
