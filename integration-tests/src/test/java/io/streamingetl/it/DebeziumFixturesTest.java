package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.mariadb.SqlScript;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures real change events from Debezium's MariaDB connector for a table with every MySQL
 * column type (and the narrow pipeline tables) and checks them against the fixtures that the
 * SMT's unit tests read. With {@code -Dfixtures.write=true} it rewrites the fixtures instead:
 *
 * <pre>mvn -B verify -pl integration-tests -am -Dtest=DebeziumFixturesTest -Dsurefire.failIfNoSpecifiedTests=false -Dfixtures.write=true</pre>
 *
 * The check compares what does not vary between runs (labels, order, schemas), so a Debezium
 * upgrade that changes event shapes fails here first.
 */
class DebeziumFixturesTest {
    static final Path FIXTURES = StackLayout.repoRoot()
            .resolve("connect-enrich-smt/src/test/resources/fixtures/debezium-mariadb");
    private static final Map<String, Integer> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("all_types", 7);
        EXPECTED.put("person", 15);
        EXPECTED.put("address", 5);
        EXPECTED.put("geo", 5);
    }

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT);

    @Test
    void capturesEveryColumnTypeAndOperation() throws Exception {
        try (Connection c = stack.mariaDb().connect()) {
            SqlScript.run(c, FixtureWorkload.resource("fixtures-schema.sql"));
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        ConnectorConfig source = stack.sourceConfig("fixtures_db")
                .without("transforms")
                .named("fixtures-capture")
                // Not needed for _version; kept so FixtureTest has an order witness the version does not use.
                .with("provide.transaction.metadata", "true")
                .with("table.include.list", "fixtures_db.all_types,fixtures_db.person,fixtures_db.address,fixtures_db.geo");
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));
        awaitTopic("dbserver.fixtures_db.geo", 1);
        FixtureWorkload.run(stack.mariaDb(), FixtureWorkload.resource("fixtures-workload.sql"));

        List<String> withSchemas = new ArrayList<>();
        List<String> withoutSchemas = new ArrayList<>();
        JsonConverter plain = converter(false);
        JsonConverter schemaful = converter(true);
        for (Map.Entry<String, Integer> table : EXPECTED.entrySet()) {
            String topic = "dbserver.fixtures_db." + table.getKey();
            List<ConsumerRecord<byte[], byte[]>> records = awaitTopic(topic, table.getValue());
            assertEquals(table.getValue(), records.size(), topic);
            Map<String, Integer> counters = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                JsonNode value = Json.parse(r.value());
                String op = value == null ? "tombstone" : value.path("payload").path("op").asText();
                String label = table.getKey() + "/" + op + "/" + counters.merge(op, 1, Integer::sum);
                withSchemas.add(line(label, r, Json.parse(r.key()), value));
                withoutSchemas.add(line(label, r, reencode(schemaful, plain, topic, r.key()),
                        reencode(schemaful, plain, topic, r.value())));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> schemaChanges = awaitSchemaChange("nickname");
        for (int i = 0; i < schemaChanges.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = schemaChanges.get(i);
            String label = "schema_change/" + (i + 1);
            withSchemas.add(line(label, r, Json.parse(r.key()), Json.parse(r.value())));
            withoutSchemas.add(line(label, r, reencode(schemaful, plain, "dbserver", r.key()),
                    reencode(schemaful, plain, "dbserver", r.value())));
        }

        if (Boolean.getBoolean("fixtures.write")) {
            Files.createDirectories(FIXTURES);
            Files.write(FIXTURES.resolve("with-schemas.jsonl"), withSchemas, StandardCharsets.UTF_8);
            Files.write(FIXTURES.resolve("without-schemas.jsonl"), withoutSchemas, StandardCharsets.UTF_8);
        }
        assertSameShape(withSchemas, FIXTURES.resolve("with-schemas.jsonl"));
        assertSameShape(withoutSchemas, FIXTURES.resolve("without-schemas.jsonl"));
    }

    /** Labels in order, and the schema of every key and value, match the committed fixtures. */
    private static void assertSameShape(List<String> fresh, Path committed) throws IOException {
        assertTrue(Files.exists(committed), committed + " is missing; generate it with -Dfixtures.write=true");
        List<String> old = Files.readAllLines(committed, StandardCharsets.UTF_8);
        assertEquals(labels(old), labels(fresh), "fixture labels of " + committed.getFileName());
        for (int i = 0; i < fresh.size(); i++) {
            JsonNode now = Json.MAPPER.readTree(fresh.get(i));
            JsonNode then = Json.MAPPER.readTree(old.get(i));
            for (String part : new String[] {"key", "value"}) {
                assertEquals(then.path(part).path("schema"), now.path(part).path("schema"),
                        now.path("label").asText() + " " + part + " schema changed; regenerate the fixtures");
            }
        }
    }

    private static List<String> labels(List<String> lines) throws IOException {
        List<String> labels = new ArrayList<>();
        for (String line : lines) {
            labels.add(Json.MAPPER.readTree(line).path("label").asText());
        }
        return labels;
    }

    private static String line(String label, ConsumerRecord<byte[], byte[]> r, JsonNode key, JsonNode value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("label", label);
        node.put("topic", r.topic());
        node.put("partition", r.partition());
        node.put("offset", r.offset());
        node.set("key", key);
        node.set("value", value);
        // Debezium marks the two halves of a primary-key change with __debezium.oldkey/newkey.
        ObjectNode headers = Json.MAPPER.createObjectNode();
        for (org.apache.kafka.common.header.Header h : r.headers()) {
            if (!h.key().equals("__debezium.oldkey") && !h.key().equals("__debezium.newkey")) {
                continue; // the others (__debezium.context.*) name the run, not the change
            }
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        if (!headers.isEmpty()) {
            node.set("headers", headers);
        }
        return node.toString();
    }

    /** What a worker configured with schemas.enable=false writes for the same Connect data. */
    private static JsonNode reencode(JsonConverter from, JsonConverter to, String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        SchemaAndValue data = from.toConnectData(topic, bytes);
        return Json.parse(to.fromConnectData(topic, data.schema(), data.value()));
    }

    private static JsonConverter converter(boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
        return converter;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitTopic(String topic, int count) {
        try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), topic)) {
            return reader.readAtLeast(count, Duration.ofSeconds(90));
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitSchemaChange(String marker) {
        try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), "dbserver")) {
            return reader.readUntil(records -> records.stream().anyMatch(r -> r.value() != null
                    && new String(r.value(), StandardCharsets.UTF_8).contains(marker)), Duration.ofSeconds(90));
        }
    }
}
