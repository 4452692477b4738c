package io.streamingetl.clickhouse.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamingetl.clickhouse.config.TableSettings.EnumMode;
import io.streamingetl.clickhouse.schema.SchemaChange.SourceColumn;
import io.streamingetl.clickhouse.schema.SchemaChange.TableDef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A column added at a schema-change marker gets the type its records would have given it: for every
 * column of the fixtures' table of every MySQL type, as Debezium described it in the real
 * CREATE TABLE event, the type from {@link SourceColumns} equals the one the sink created from the
 * real records in a real run (the README's generated type table, which AvroPipelineTest keeps true).
 */
class SourceColumnsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` [^|]*\\|[^|]*\\|[^|]*\\| ([^|]+) \\|$");

    @Test
    void everyFixtureColumnGetsTheTypeItsRecordsGot() throws Exception {
        Map<String, String> created = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                created.putIfAbsent(m.group(1), m.group(2).strip());
            }
        }
        TableDef table = allTypesTable();
        TypeRegistry registry = TypeRegistry.standard();
        List<String> differ = new ArrayList<>();
        int compared = 0;
        for (SourceColumn c : table.columns()) {
            String expected = created.get(c.name());
            if (expected == null || c.typeName().matches("(?i)GEOMETRY|POINT")) {
                continue; // flattened into several columns: added by the first record
            }
            TypeContext ctx = new TypeContext(registry, "UTC", Set.of(), false, EnumMode.LOW_CARDINALITY, true, c.name());
            var schema = SourceColumns.connectSchema(c);
            String type = schema == null ? null : registry.columnType(schema, ctx, table.primaryKey().contains(c.name()));
            compared++;
            if (!expected.equals(type)) {
                differ.add(c.name() + " " + c.typeName() + "(" + c.length() + "," + c.scale() + "): " + type
                        + ", records gave " + expected);
            }
        }
        assertTrue(compared >= 35, "compared " + compared + " columns of the type table");
        assertEquals(List.of(), differ);
    }

    /** all_types as Debezium describes it in the snapshot's CREATE TABLE event, read as a marker's table. */
    private static TableDef allTypesTable() throws Exception {
        Path fixture = Path.of("../connect-enrich-smt/src/test/resources/fixtures/debezium-mariadb/with-schemas.jsonl");
        for (String line : Files.readAllLines(fixture, StandardCharsets.UTF_8)) {
            JsonNode payload = JSON.readTree(line).path("value").path("payload");
            if (!payload.path("ddl").asText().startsWith("CREATE TABLE `all_types`")) {
                continue;
            }
            JsonNode change = payload.path("tableChanges").get(0);
            ObjectNode marker = JSON.createObjectNode().put("format", 1).put("kind", "CREATE").put("db", "fixtures_db")
                    .put("table", "all_types").put("version", 1);
            ObjectNode t = marker.putArray("tables").addObject();
            t.put("type", "CREATE").put("db", "fixtures_db").put("table", "all_types");
            t.set("primary_key", change.path("table").path("primaryKeyColumnNames"));
            t.set("columns", change.path("table").path("columns"));
            return SchemaChange.parse(marker).tables().get(0);
        }
        throw new AssertionError("no CREATE TABLE `all_types` event in " + fixture);
    }
}
