package io.streamingetl.enrich;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory before/after view the console reads over JMX. */
class RecentChangesTest {
    @Test
    void keepsTheNewestPerTopicNewestFirstAsJsonText() {
        try (RecentChanges changes = RecentChanges.register(3)) {
            for (int i = 1; i <= 5; i++) {
                changes.add("t", "before " + i, i == 4 ? null : "after \"" + i + "\"");
            }
            changes.add("other", "x", "y");
            String json = changes.recent("t");
            assertTrue(json.startsWith("[{\"time\":"), json);
            assertTrue(json.contains("\"before\":\"before 5\",\"after\":\"after \\\"5\\\"\"}"), json);
            assertTrue(json.contains("\"before\":\"before 4\",\"after\":\"(dropped)\"}"), json);
            assertTrue(json.indexOf("before 5") < json.indexOf("before 4") && json.indexOf("before 4") < json.indexOf("before 3"),
                    "newest first: " + json);
            assertTrue(!json.contains("before 2") && !json.contains("\"x\""), "3 kept, of this topic only: " + json);
            assertEquals("[]", changes.recent("none"));
        }
    }

    @Test
    void theTransformRecordsWhatCameInAndWentOutAndUnregistersOnClose() throws Exception {
        Schema row = SchemaBuilder.struct().name("row").field("id", Schema.INT32_SCHEMA).optional().build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.mysql.Source")
                .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("row", Schema.INT32_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .build();
        Schema envelope = SchemaBuilder.struct().name("dbserver.db.t.Envelope").field("before", row).field("after", row)
                .field("source", source).field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        Struct value = new Struct(envelope).put("after", new Struct(row).put("id", 7)).put("op", "c")
                .put("source", new Struct(source).put("file", "mysql-bin.000001").put("pos", 4L).put("row", 0)
                        .put("ts_ms", 1L).put("db", "db").put("table", "t"));
        int before = ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(RecentChanges.DOMAIN + ":type=recent-changes,*"), null).size();
        try (CdcEnrich.Value<SourceRecord> smt = new CdcEnrich.Value<>()) {
            smt.configure(Map.of());
            smt.apply(new SourceRecord(Map.of(), Map.of(), "dbserver.db.t", null, envelope, value));
            ObjectName name = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName(RecentChanges.DOMAIN + ":type=recent-changes,*"), null).stream()
                    .filter(n -> {
                        try {
                            return !"[]".equals(ManagementFactory.getPlatformMBeanServer().invoke(n, "recent",
                                    new Object[] {"dbserver.db.t"}, new String[] {String.class.getName()}));
                        } catch (Exception e) {
                            return false;
                        }
                    }).findFirst().orElseThrow();
            String json = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "recent",
                    new Object[] {"dbserver.db.t"}, new String[] {String.class.getName()});
            // JSON objects, as people read them (the console pretty-prints them), not Struct dumps.
            assertTrue(json.contains("\"before\":{\"before\":null,\"after\":{\"id\":7},\"source\":{\"file\":"
                    + "\"mysql-bin.000001\""), json);
            assertTrue(json.contains("\"op\":\"c\""), json);
            assertTrue(json.contains("\"after\":{\"id\":7,\"_op\":\"c\""), json);
        }
        assertEquals(before, ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(RecentChanges.DOMAIN + ":type=recent-changes,*"), null).size(), "unregistered");
    }
}
