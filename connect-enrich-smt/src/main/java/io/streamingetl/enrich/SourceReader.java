package io.streamingetl.enrich;

import java.util.Map;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads the {@code source} block of a Debezium MySQL/MariaDB envelope: commit time, database,
 * table and the binlog coordinates {@link CdcVersion} turns into {@code _version}. Fields are
 * resolved once per source schema; missing ones are null and only an error when a record needs them.
 */
final class SourceReader {

    private final Field tsMs;
    private final Field db;
    private final Field table;
    private final Field file;
    private final Field pos;
    private final Field row;
    private final Field snapshot;

    SourceReader(Schema source) {
        tsMs = source.field("ts_ms");
        db = source.field("db");
        table = source.field("table");
        file = source.field("file");
        pos = source.field("pos");
        row = source.field("row");
        snapshot = source.field("snapshot");
    }

    Long tsMs(Struct source) {
        return tsMs == null ? null : toLong(source.get(tsMs), "source.ts_ms");
    }

    String db(Struct source) {
        return db == null ? null : (String) source.get(db);
    }

    String table(Struct source) {
        return table == null ? null : (String) source.get(table);
    }

    /**
     * @param totalOrder the envelope's transaction.total_order, or null without transaction metadata
     * @param strict     whether a streamed change without it is an error (version.strict)
     */
    long version(Struct source, String op, Long totalOrder, boolean strict) {
        if (file == null || pos == null) {
            throw new DataException("source has no file/pos fields: _version needs a MySQL/MariaDB binlog "
                    + "position (switch the version metadata off for other sources)");
        }
        return version((String) source.get(file), source.get(pos), row == null ? null : source.get(row),
                snapshot == null ? null : source.get(snapshot), op, totalOrder, strict);
    }

    // Schemaless: JsonConverter gives Long for JSON integers.

    static Long tsMs(Map<?, ?> source) {
        return toLong(source.get("ts_ms"), "source.ts_ms");
    }

    static String db(Map<?, ?> source) {
        return asString(source.get("db"), "source.db");
    }

    static String table(Map<?, ?> source) {
        return asString(source.get("table"), "source.table");
    }

    static long version(Map<?, ?> source, String op, Long totalOrder, boolean strict) {
        return version(asString(source.get("file"), "source.file"), source.get("pos"), source.get("row"),
                source.get("snapshot"), op, totalOrder, strict);
    }

    /** See {@link CdcVersion} for why pos + (total_order - 1). */
    private static long version(String file, Object pos, Object row, Object snapshotField, String op,
                                Long totalOrder, boolean strict) {
        boolean snapshot = CdcVersion.isSnapshot(op, snapshotField);
        long k;
        if (totalOrder != null) {
            if (totalOrder < 1) {
                throw new DataException("transaction.total_order " + totalOrder + " is not positive");
            }
            k = totalOrder - 1;
        } else if (snapshot || !strict) {
            Long r = toLong(row, "source.row");
            k = r == null ? 0L : r;
        } else {
            throw new DataException("transaction.total_order is missing: source.pos is the transaction's start, "
                    + "so _version orders the changes inside a transaction by the envelope's transaction block. "
                    + "Set provide.transaction.metadata=true on the Debezium connector, or "
                    + CdcEnrichConfig.VERSION_STRICT + "=false to accept equal versions for changes of one "
                    + "transaction in different rows events");
        }
        return CdcVersion.of(file, requireLong(pos, "source.pos"), k, snapshot);
    }

    private static long requireLong(Object v, String field) {
        Long l = toLong(v, field);
        if (l == null) {
            throw new DataException(field + " is missing: _version needs it");
        }
        return l;
    }

    private static Long toLong(Object v, String field) {
        if (v == null || v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw new DataException(field + " is not an integer: " + v);
    }

    private static String asString(Object v, String field) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new DataException(field + " is not a string: " + v);
    }
}
