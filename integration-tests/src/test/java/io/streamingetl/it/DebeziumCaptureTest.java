package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debezium's MariaDB connector, loaded from plugin.path, snapshots and then streams the three tables. */
class DebeziumCaptureTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT);

    @Test
    void snapshotsThenStreamsInsertUpdateDeleteAndTombstone() {
        SourceDatabase.create(stack.mariaDb());
        ConnectorConfig source = stack.sourceConfig("streaming_etl_db")
                .without("transforms"); // the raw Debezium envelopes, before our SMT
        assertEquals("streaming_ETL_pipeline_MySQL-connector", source.name());
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));

        Map<String, Integer> seedRows = Map.of("person", 5, "address", 6, "geo", 6);
        seedRows.forEach((table, rows) -> {
            try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), "dbserver.streaming_etl_db." + table)) {
                List<ConsumerRecord<byte[], byte[]>> snapshot = reader.readAtLeast(rows, Duration.ofSeconds(90));
                assertEquals(rows, snapshot.size(), table + " snapshot");
                snapshot.forEach(r -> assertEquals("r", payload(r).path("op").asText(), table));
            }
        });

        SourceDatabase.transaction(stack.mariaDb(),
                "INSERT INTO streaming_etl_db.person (id, first_name, last_name) VALUES (100, 'Katherine', 'Johnson')",
                "INSERT INTO streaming_etl_db.address (id, person_id, street, city, country) VALUES (100, 100, 'Main St', 'Hampton', 'US')",
                "INSERT INTO streaming_etl_db.geo (id, address_id, latitude, longitude) VALUES (100, 100, 37.0299, -76.3452)");
        SourceDatabase.transaction(stack.mariaDb(),
                "UPDATE streaming_etl_db.person SET last_name = 'Goble Johnson' WHERE id = 100",
                "UPDATE streaming_etl_db.address SET city = 'Newport News' WHERE id = 100",
                "UPDATE streaming_etl_db.geo SET latitude = 37.0871 WHERE id = 100");
        SourceDatabase.transaction(stack.mariaDb(),
                "DELETE FROM streaming_etl_db.geo WHERE id = 100",
                "DELETE FROM streaming_etl_db.address WHERE id = 100",
                "DELETE FROM streaming_etl_db.person WHERE id = 100");

        seedRows.forEach((table, rows) -> {
            try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), "dbserver.streaming_etl_db." + table)) {
                List<ConsumerRecord<byte[], byte[]>> all = reader.readAtLeast(rows + 4, Duration.ofSeconds(60));
                List<ConsumerRecord<byte[], byte[]>> changes = all.subList(rows, all.size());
                assertEquals(4, changes.size(), table + ": c, u, d and the tombstone");
                assertEquals("c", payload(changes.get(0)).path("op").asText());
                assertEquals(100, payload(changes.get(0)).path("after").path("id").asInt());
                assertEquals("u", payload(changes.get(1)).path("op").asText());
                assertTrue(payload(changes.get(1)).path("before").isObject(), "FULL row image gives the before state");
                JsonNode delete = payload(changes.get(2));
                assertEquals("d", delete.path("op").asText());
                assertEquals(100, delete.path("before").path("id").asInt());
                assertTrue(delete.path("after").isNull());
                assertNull(changes.get(3).value(), table + ": the tombstone after the delete");
                assertEquals(100, Json.parse(changes.get(3).key()).path("payload").path("id").asInt());
                assertEquals("streaming_etl_db", delete.path("source").path("db").asText());
                assertEquals(table, delete.path("source").path("table").asText());
            }
        });
    }

    private static JsonNode payload(ConsumerRecord<byte[], byte[]> record) {
        return Json.parse(record.value()).path("payload");
    }
}
