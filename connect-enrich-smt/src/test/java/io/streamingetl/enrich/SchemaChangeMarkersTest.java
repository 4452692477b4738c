package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.enrich.Fixtures.Fixture;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Schema changes become markers in their table's stream: the real events Debezium's MariaDB
 * connector emitted for every kind of migration (DebeziumDdlFixturesTest), through the transform
 * in binlog order, as the source task runs it.
 */
class SchemaChangeMarkersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DDL_FIXTURE = "fixtures/debezium-mariadb-ddl/events.jsonl";

    private static CdcEnrich.Value<SinkRecord> transform(Map<String, String> props) {
        CdcEnrich.Value<SinkRecord> t = new CdcEnrich.Value<>();
        t.configure(props);
        return t;
    }

    /** The workload through the transform: per input label, the output record. */
    private static List<SinkRecord[]> run(boolean schemas) {
        CdcEnrich.Value<SinkRecord> t = transform(Map.of("schema.changes", "marker", "truncate.mode", "marker"));
        List<SinkRecord[]> out = new ArrayList<>();
        for (Fixture f : Fixtures.load(DDL_FIXTURE, true)) {
            SinkRecord in = f.record();
            if (!schemas) { // as JsonConverter with schemas.enable=false hands it over: maps and lists
                in = in.newRecord(in.topic(), in.kafkaPartition(), null, SchemaChangeMarkers.plain(in.key()), null,
                        SchemaChangeMarkers.plain(in.value()), in.timestamp());
            }
            out.add(new SinkRecord[] {in, t.apply(in)});
        }
        return out;
    }

    private static JsonNode marker(SinkRecord r) throws Exception {
        Header h = r.headers().lastWithName(SchemaChangeMarkers.HEADER);
        assertNotNull(h, "a marker header on " + r.topic());
        assertNull(r.value());
        assertNull(r.key());
        assertEquals(0, r.kafkaPartition());
        return JSON.readTree((String) h.value());
    }

    @Test
    void everyMigrationIsAMarkerOnItsTablesTopicBetweenTheRowsAroundIt() throws Exception {
        for (boolean schemas : new boolean[] {true, false}) {
            Map<String, JsonNode> byDdl = new HashMap<>();
            Map<String, String> topicOf = new HashMap<>();
            long lastVersion = 0;
            for (SinkRecord[] pair : run(schemas)) {
                SinkRecord in = pair[0];
                SinkRecord out = pair[1];
                if (out == null) {
                    continue; // tombstones after deletes
                }
                if (out.headers().lastWithName(SchemaChangeMarkers.HEADER) == null) {
                    Object v = out.value();
                    long version = v instanceof Struct s ? s.getInt64("_version") : ((Number) ((Map<?, ?>) v).get("_version")).longValue();
                    assertTrue(version > lastVersion, "rows and markers in version order at " + out.topic());
                    lastVersion = version;
                    continue;
                }
                JsonNode m = marker(out);
                assertTrue(m.path("version").asLong() >= lastVersion, "a marker's version is at its place: " + m);
                lastVersion = m.path("version").asLong();
                byDdl.put(m.path("ddl").asText(), m);
                topicOf.put(m.path("ddl").asText(), out.topic());
                assertEquals(List.of("_op", "_ts_ms", "_db", "_table", "_deleted", "_version"),
                        JSON.convertValue(m.path("meta_fields"), List.class));
                assertEquals(in.topic().startsWith("dbserver.") ? in.topic() : "dbserver.ddl_db." + m.path("table").asText(),
                        out.topic(), "a marker goes to its table's topic");
            }
            String mode = schemas ? "with schemas: " : "schemaless: ";
            JsonNode add = byDdl.get("ALTER TABLE t1 ADD COLUMN c INT NOT NULL DEFAULT 7");
            assertEquals("ALTER", add.path("kind").asText(), mode + add);
            assertEquals("7", column(add, "c").path("defaultValueExpression").asText());
            assertEquals("[{\"from\":\"a\",\"to\":\"b\"}]",
                    byDdl.get("ALTER TABLE t1 RENAME COLUMN a TO b").path("column_renames").toString());
            assertEquals("[{\"from\":\"b\",\"to\":\"b2\"}]",
                    byDdl.get("ALTER TABLE t1 CHANGE COLUMN b b2 VARCHAR(30) NOT NULL").path("column_renames").toString());
            JsonNode truncate = byDdl.get("TRUNCATE TABLE `ddl_db`.`t1`");
            assertEquals("TRUNCATE", truncate.path("kind").asText(), mode + byDdl.keySet());
            assertEquals("dbserver.ddl_db.t1", topicOf.get("TRUNCATE TABLE `ddl_db`.`t1`"));
            JsonNode rename = byDdl.get("RENAME TABLE t1 TO t2");
            assertEquals("RENAME", rename.path("kind").asText());
            assertEquals("dbserver.ddl_db.t2", topicOf.get("RENAME TABLE t1 TO t2"), "on the new name's topic");
            // The swap: Debezium splits it into two events at one position; the second marker carries both.
            assertEquals("[{\"from\":{\"db\":\"ddl_db\",\"table\":\"t2\"},\"to\":{\"db\":\"ddl_db\",\"table\":\"t2_old\"}}]",
                    byDdl.get("RENAME TABLE t2 TO t2_old").path("renames").toString());
            assertEquals("[{\"from\":{\"db\":\"ddl_db\",\"table\":\"t2\"},\"to\":{\"db\":\"ddl_db\",\"table\":\"t2_old\"}},"
                    + "{\"from\":{\"db\":\"ddl_db\",\"table\":\"t2_new\"},\"to\":{\"db\":\"ddl_db\",\"table\":\"t2\"}}]",
                    byDdl.get("RENAME TABLE t2_new TO t2").path("renames").toString());
            assertEquals("dbserver.ddl_db.t2", topicOf.get("RENAME TABLE t2_new TO t2"));
            assertEquals(byDdl.get("RENAME TABLE t2 TO t2_old").path("version"), byDdl.get("RENAME TABLE t2_new TO t2").path("version"));
            assertEquals("DROP", byDdl.get("DROP TABLE `ddl_db`.`t2_old`").path("kind").asText());
            assertEquals("dbserver.ddl_db.t2_old", topicOf.get("DROP TABLE `ddl_db`.`t2_old`"));
            JsonNode pk = byDdl.get("ALTER TABLE t3 DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)");
            assertEquals("[\"id\",\"a\"]", pk.path("tables").get(0).path("primary_key").toString());
            assertEquals("CREATE", byDdl.get("CREATE TABLE t2_new LIKE t2").path("kind").asText());
            assertEquals("[]", byDdl.get("CREATE TABLE nopk (a INT NULL, b VARCHAR(10) NULL)").path("tables").get(0)
                    .path("primary_key").toString());
        }
    }

    private static JsonNode column(JsonNode marker, String name) {
        for (JsonNode c : marker.path("tables").get(0).path("columns")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no column " + name + " in " + marker);
    }

    @Test
    void passByDefaultAndForTheSnapshotsOwnDdl() {
        CdcEnrich.Value<SinkRecord> pass = transform(Map.of());
        CdcEnrich.Value<SinkRecord> markers = transform(Map.of("schema.changes", "marker"));
        int schemaEvents = 0;
        for (Fixture f : Fixtures.withSchemas()) {
            if (!f.label.startsWith("schema_change/")) {
                continue;
            }
            schemaEvents++;
            SinkRecord r = f.record();
            assertSame(r, pass.apply(r), f.label + " passes unchanged with schema.changes=pass");
            // The pipeline fixture's DDL is the snapshot's CREATE TABLEs: state, not change.
            Struct source = ((Struct) r.value()).getStruct("source");
            if (!"false".equals(source.getString("snapshot"))) {
                assertSame(r, markers.apply(r), f.label + " (snapshot DDL) passes unchanged");
            }
        }
        assertTrue(schemaEvents > 5);
    }
}
