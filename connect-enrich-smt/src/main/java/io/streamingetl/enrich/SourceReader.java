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

    /** A snapshot read (initial or incremental), not a change read from the binlog. */
    boolean isSnapshot(Struct source, String op) {
        return CdcVersion.isSnapshot(op, snapshot == null ? null : source.get(snapshot));
    }

    /** See {@link CdcVersion}: from source.file, source.pos, source.row and whether it is a snapshot read. */
    long version(Struct source, String op) {
        if (file == null || pos == null) {
            throw new DataException("source has no file/pos fields: _version needs a MySQL/MariaDB binlog "
                    + "position (switch the version metadata off for other sources)");
        }
        return version((String) source.get(file), source.get(pos), row == null ? null : source.get(row),
                snapshot == null ? null : source.get(snapshot), op);
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

    static long version(Map<?, ?> source, String op) {
        return version(asString(source.get("file"), "source.file"), source.get("pos"), source.get("row"),
                source.get("snapshot"), op);
    }

    private static long version(String file, Object pos, Object row, Object snapshotField, String op) {
        if (CdcVersion.isSnapshot(op, snapshotField)) {
            return CdcVersion.snapshot(file, requireLong(pos, "source.pos"));
        }
        return CdcVersion.streamed(file, requireLong(pos, "source.pos"), requireLong(row, "source.row"));
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
