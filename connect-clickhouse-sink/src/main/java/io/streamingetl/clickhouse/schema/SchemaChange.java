package io.streamingetl.clickhouse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.common.JsonText;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A schema-change marker, as the enrich SMT places it in a table's stream (schema.changes=marker,
 * truncate.mode=marker): a record with a null value and the change as JSON in the header
 * {@value #HEADER}. {@code version} is the binlog position's _version: every row change before it
 * is lower, every one after it higher.
 *
 * @param kind    CREATE, ALTER, DROP, RENAME or TRUNCATE
 * @param db      the source database of the table whose topic carries the marker
 * @param table   that table
 * @param tables  the tables' definitions after the change, as the source describes them
 * @param metaFields the SMT's metadata columns (not source columns, never dropped)
 */
public record SchemaChange(String kind, String db, String table, long version, Long tsMs, String ddl, List<TableDef> tables,
                           List<Rename> renames, List<ColumnRename> columnRenames, List<String> metaFields) {
    public static final String HEADER = "streamingetl.schema.change";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One table after the change: its source columns in order and its primary key. */
    public record TableDef(String type, String db, String table, List<String> primaryKey, List<SourceColumn> columns) {
        public SourceColumn column(String name) {
            for (SourceColumn c : columns) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * A source column as Debezium describes it: typeName ("INT UNSIGNED", "VARCHAR"), length and
     * scale, nullability, the default as the source's expression text, ENUM/SET members.
     */
    public record SourceColumn(String name, String typeName, Integer length, Integer scale, boolean optional,
                               String defaultValue, List<String> enumValues) {
    }

    public record Rename(String fromDb, String fromTable, String toDb, String toTable) {
    }

    public record ColumnRename(String from, String to) {
    }

    /** Whether the record is a marker (cheap: a header lookup, no parsing). */
    public static boolean isMarker(SinkRecord record) {
        return record.value() == null && record.headers().lastWithName(HEADER) != null;
    }

    /** The marker of {@code record}; a DataException naming the header when it is not one the sink reads. */
    public static SchemaChange of(SinkRecord record) {
        Header h = record.headers().lastWithName(HEADER);
        if (h == null) {
            throw new DataException("no " + HEADER + " header");
        }
        // With the worker's SimpleHeaderConverter the JSON may arrive parsed into maps and lists.
        String text = h.value() instanceof String s ? s : JsonText.render(h.value());
        try {
            return parse(JSON.readTree(text));
        } catch (IOException | RuntimeException e) {
            throw new DataException("header " + HEADER + " is not a schema-change marker this sink reads: "
                    + e.getMessage(), e);
        }
    }

    static SchemaChange parse(JsonNode n) {
        int format = n.path("format").asInt(-1);
        if (format != 1) {
            throw new DataException("unknown marker format " + format);
        }
        List<TableDef> tables = new ArrayList<>();
        for (JsonNode t : n.path("tables")) {
            List<SourceColumn> columns = new ArrayList<>();
            for (JsonNode c : t.path("columns")) {
                List<String> members = new ArrayList<>();
                c.path("enumValues").forEach(v -> members.add(v.asText()));
                columns.add(new SourceColumn(c.path("name").asText(), c.path("typeName").asText(),
                        c.path("length").isNumber() ? c.path("length").asInt() : null,
                        c.path("scale").isNumber() ? c.path("scale").asInt() : null,
                        c.path("optional").asBoolean(true),
                        c.path("defaultValueExpression").isTextual() ? c.path("defaultValueExpression").asText() : null,
                        members));
            }
            tables.add(new TableDef(t.path("type").asText(), t.path("db").asText(), t.path("table").asText(),
                    strings(t.path("primary_key")), columns));
        }
        List<Rename> renames = new ArrayList<>();
        for (JsonNode r : n.path("renames")) {
            renames.add(new Rename(r.path("from").path("db").asText(), r.path("from").path("table").asText(),
                    r.path("to").path("db").asText(), r.path("to").path("table").asText()));
        }
        List<ColumnRename> columnRenames = new ArrayList<>();
        for (JsonNode r : n.path("column_renames")) {
            columnRenames.add(new ColumnRename(r.path("from").asText(), r.path("to").asText()));
        }
        return new SchemaChange(n.path("kind").asText(), n.path("db").asText(), n.path("table").asText(),
                n.path("version").asLong(), n.path("ts_ms").isNumber() ? n.path("ts_ms").asLong() : null,
                n.path("ddl").asText(), tables, renames, columnRenames,
                strings(n.path("meta_fields")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** The definition of {@code table} in this change, or null. */
    public TableDef definition(String table) {
        for (TableDef t : tables) {
            if (t.table().equals(table)) {
                return t;
            }
        }
        return null;
    }
}
