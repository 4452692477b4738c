package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SMT configured in the Debezium connector's JSON (connector-configs/source), running in the
 * real worker from its archive: the topic holds flat rows with CDC metadata, deletes are soft and
 * the tombstone is gone.
 */
class EnrichSmtInWorkerTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT);

    @Test
    void debeziumWithTheSmtWritesFlatRowsWithMetadata() {
        SourceDatabase.create(stack.mariaDb());
        ConnectorConfig source = stack.sourceConfig("streaming_etl_db");
        assertEquals("io.streamingetl.enrich.CdcEnrich$Value", source.config().get("transforms.enrich.type"));
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));

        try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), "dbserver.streaming_etl_db.person")) {
            List<ConsumerRecord<byte[], byte[]>> snapshot = reader.readAtLeast(5, Duration.ofSeconds(90));
            SourceDatabase.transaction(stack.mariaDb(),
                    "INSERT INTO streaming_etl_db.person (id, first_name, last_name) VALUES (100, 'Katherine', 'Johnson')",
                    "UPDATE streaming_etl_db.person SET last_name = 'Goble' WHERE id = 100",
                    "UPDATE streaming_etl_db.person SET last_name = 'Goble Johnson' WHERE id = 100");
            SourceDatabase.transaction(stack.mariaDb(), "DELETE FROM streaming_etl_db.person WHERE id = 100");
            List<ConsumerRecord<byte[], byte[]>> all = reader.readAtLeast(5 + 4, Duration.ofSeconds(60));
            assertEquals(9, all.size(), "4 changes after the snapshot and no tombstone");

            long maxSnapshotVersion = Long.MIN_VALUE;
            for (ConsumerRecord<byte[], byte[]> r : snapshot) {
                JsonNode row = payload(r);
                assertEquals("r", row.path("_op").asText());
                assertEquals(0, row.path("_deleted").asInt());
                assertEquals("streaming_etl_db", row.path("_db").asText());
                assertEquals("person", row.path("_table").asText());
                assertTrue(row.has("first_name") && !row.has("after") && !row.has("source"), row.toString());
                maxSnapshotVersion = Math.max(maxSnapshotVersion, row.path("_version").asLong());
            }

            List<ConsumerRecord<byte[], byte[]>> changes = all.subList(5, 9);
            String[] ops = {"c", "u", "u", "d"};
            long previous = maxSnapshotVersion;
            for (int i = 0; i < ops.length; i++) {
                JsonNode row = payload(changes.get(i));
                assertNotNull(changes.get(i).value());
                assertEquals(ops[i], row.path("_op").asText(), row.toString());
                assertEquals(100, row.path("id").asInt());
                long version = row.path("_version").asLong();
                assertTrue(version > previous, "_version increases in binlog order: " + version + " after " + previous);
                previous = version;
                assertTrue(row.path("_ts_ms").asLong() > 1_600_000_000_000L, "source commit time in ms");
            }
            JsonNode deleted = payload(changes.get(3));
            assertEquals(1, deleted.path("_deleted").asInt());
            assertEquals("Goble Johnson", deleted.path("last_name").asText(), "a delete carries the row's last state");
            assertFalse(deleted.path("first_name").isNull());
        }
    }

    private static JsonNode payload(ConsumerRecord<byte[], byte[]> record) {
        return Json.parse(record.value()).path("payload");
    }
}
