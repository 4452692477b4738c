package io.streamingetl.enrich;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.streamingetl.common.JsonText;
import io.streamingetl.enrich.DdlText.ColumnRename;
import io.streamingetl.enrich.DdlText.TableName;
import io.streamingetl.enrich.DdlText.TableRename;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;

/**
 * Schema changes as markers in the changed table's own stream. Debezium sends a table's row changes
 * to the table's topic and its DDL to the connector's schema-change topic, so a sink cannot tell
 * which rows came before a DDL and which after. The source task sees both in binlog order; this
 * turns a streamed schema-change event (and a truncate event) into a record on the table's topic,
 * right between the rows before and after it, that the ClickHouse sink applies at that place.
 *
 * <p>A marker has a null key and value (so no schema reaches a schema registry, and no subject's
 * compatibility is in play) and one header, {@value #HEADER}, holding JSON:
 * <pre>
 * {"format":1, "kind":"ALTER|CREATE|DROP|RENAME|TRUNCATE", "db":..., "table":...,  the table whose topic carries it
 *  "version":..., the _version of its binlog position (rows before it are lower, rows after it higher)
 *  "ts_ms":..., "ddl":"the statement",
 *  "tables":[{"type":"CREATE|ALTER|DROP", "db":..., "table":..., "primary_key":[...], "columns":[Debezium's column
 *            descriptions: name, typeName, typeExpression, length, scale, optional, defaultValueExpression, ...]}],
 *  "renames":[{"from":{"db","table"},"to":{"db","table"}}], "column_renames":[{"from","to"}],
 *  "meta_fields":[the SMT's metadata columns, which are not source columns]}
 * </pre>
 */
final class SchemaChangeMarkers {
    static final String HEADER = "streamingetl.schema.change";
    static final int FORMAT = 1;

    private static final Pattern TABLE_ID = Pattern.compile("\"((?:[^\"]|\"\")*)\"\\.\"((?:[^\"]|\"\")*)\"");

    private final List<String> metaFields;
    /**
     * Debezium splits {@code RENAME TABLE t TO t_old, t_new TO t} into one event per pair, at one
     * binlog position, each on its own way to the sink. The renames seen at the current position
     * go into every later marker of it, so the marker of the last pair applies the whole statement
     * (a swap, atomically) whichever marker the sink meets first.
     */
    private long renamesAt = -1;
    private final List<TableRename> renamesSoFar = new ArrayList<>();

    /** @param metaFields the SMT's metadata columns (not source columns: the sink never drops them) */
    SchemaChangeMarkers(List<String> metaFields) {
        this.metaFields = List.copyOf(metaFields);
    }

    /** Whether {@code value} is a Debezium schema-change event (with its schema or schemaless). */
    static boolean isSchemaChange(Schema schema, Object value) {
        if (schema != null) {
            return schema.type() == Schema.Type.STRUCT && schema.name() != null
                    && schema.name().endsWith(".SchemaChangeValue") && schema.field("ddl") != null;
        }
        return value instanceof Map<?, ?> m && m.containsKey("ddl") && m.containsKey("tableChanges")
                && m.containsKey("source");
    }

    /**
     * The marker of a streamed schema-change event, on the changed table's topic; the record itself
     * when the event changes no table (SET, USE, CREATE DATABASE) or is the snapshot's own DDL (the
     * state at the snapshot, not a change).
     */
    <R extends ConnectRecord<R>> R schemaChange(R record) {
        Map<?, ?> event = (Map<?, ?>) plain(record.value());
        Map<?, ?> source = event.get("source") instanceof Map<?, ?> s ? s : null;
        if (source == null || CdcVersion.isSnapshot(null, source.get("snapshot"))) {
            return record;
        }
        List<?> changes = event.get("tableChanges") instanceof List<?> l ? l : List.of();
        if (changes.isEmpty()) {
            return record;
        }
        String ddl = String.valueOf(event.get("ddl"));
        String defaultDb = source.get("db") != null ? source.get("db").toString() : String.valueOf(event.get("databaseName"));
        List<Map<String, Object>> tables = new ArrayList<>();
        for (Object change : changes) {
            tables.add(table((Map<?, ?>) change));
        }
        long version = SourceReader.version(source, "ddl");
        List<TableRename> renames = new ArrayList<>();
        for (TableRename r : DdlText.tableRenames(ddl)) {
            renames.add(new TableRename(r.from().in(defaultDb), r.to().in(defaultDb)));
        }
        if (!renames.isEmpty()) {
            if (version != renamesAt) {
                renamesAt = version;
                renamesSoFar.clear();
            }
            renamesSoFar.addAll(renames);
            renames = new ArrayList<>(renamesSoFar);
        }
        String kind = kind(renames, tables);
        TableName target = renames.isEmpty()
                ? new TableName((String) tables.get(0).get("db"), (String) tables.get(0).get("table"))
                : renames.get(renames.size() - 1).to();
        Map<String, Object> marker = marker(kind, target, version, SourceReader.tsMs(source), ddl);
        marker.put("tables", tables);
        List<Map<String, Object>> renamed = new ArrayList<>();
        for (TableRename r : renames) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("from", name(r.from()));
            pair.put("to", name(r.to()));
            renamed.add(pair);
        }
        marker.put("renames", renamed);
        List<Map<String, Object>> columns = new ArrayList<>();
        for (ColumnRename r : DdlText.columnRenames(ddl)) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("from", r.from());
            pair.put("to", r.to());
            columns.add(pair);
        }
        marker.put("column_renames", columns);
        return record(record, record.topic() + "." + target.db() + "." + target.table(), marker);
    }

    /** The marker of a truncate event (op t), on the truncated table's own topic. */
    <R extends ConnectRecord<R>> R truncate(R record, Object source) {
        Map<?, ?> s = (Map<?, ?>) plain(source);
        TableName table = new TableName(SourceReader.db(s), SourceReader.table(s));
        if (table.db() == null || table.table() == null) {
            throw new DataException("a truncate event without source.db and source.table");
        }
        Map<String, Object> marker = marker("TRUNCATE", table, SourceReader.version(s, "t"), SourceReader.tsMs(s),
                "TRUNCATE TABLE `" + table.db().replace("`", "``") + "`.`" + table.table().replace("`", "``") + "`");
        marker.put("tables", List.of());
        marker.put("renames", List.of());
        marker.put("column_renames", List.of());
        return record(record, record.topic(), marker);
    }

    private Map<String, Object> marker(String kind, TableName table, long version, Long tsMs, String ddl) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("format", FORMAT);
        marker.put("kind", kind);
        marker.put("db", table.db());
        marker.put("table", table.table());
        marker.put("version", version);
        marker.put("ts_ms", tsMs);
        marker.put("ddl", ddl);
        marker.put("meta_fields", metaFields);
        return marker;
    }

    private static <R extends ConnectRecord<R>> R record(R record, String topic, Map<String, Object> marker) {
        Headers headers = record.headers().duplicate();
        headers.addString(HEADER, JsonText.render(marker));
        // Partition 0: a table's topic has one partition (the marker orders only against that one).
        return record.newRecord(topic, 0, null, null, null, null, record.timestamp(), headers);
    }

    private static String kind(List<TableRename> renames, List<Map<String, Object>> tables) {
        if (!renames.isEmpty()) {
            return "RENAME";
        }
        boolean allDropped = true;
        for (Map<String, Object> t : tables) {
            if ("CREATE".equals(t.get("type"))) {
                return "CREATE";
            }
            allDropped &= "DROP".equals(t.get("type"));
        }
        return allDropped ? "DROP" : "ALTER";
    }

    /** One entry of Debezium's tableChanges: its type, database and table, key and columns. */
    private static Map<String, Object> table(Map<?, ?> change) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", change.get("type"));
        String id = String.valueOf(change.get("id"));
        Matcher m = TABLE_ID.matcher(id);
        if (m.matches()) {
            out.put("db", m.group(1).replace("\"\"", "\""));
            out.put("table", m.group(2).replace("\"\"", "\""));
        } else {
            int dot = id.indexOf('.');
            out.put("db", dot < 0 ? null : id.substring(0, dot));
            out.put("table", dot < 0 ? id : id.substring(dot + 1));
        }
        Map<?, ?> table = change.get("table") instanceof Map<?, ?> t ? t : Map.of();
        out.put("primary_key", table.get("primaryKeyColumnNames") == null ? List.of() : table.get("primaryKeyColumnNames"));
        out.put("columns", table.get("columns") == null ? List.of() : table.get("columns"));
        return out;
    }

    private static Map<String, Object> name(TableName t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("db", t.db());
        out.put("table", t.table());
        return out;
    }

    /** A Connect value as plain maps and lists, so schema'd and schemaless events read alike. */
    static Object plain(Object value) {
        if (value instanceof Struct s) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : s.schema().fields()) {
                out.put(f.name(), plain(s.getWithoutDefault(f.name())));
            }
            return out;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, plain(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(plain(v)));
            return out;
        }
        return value;
    }
}
