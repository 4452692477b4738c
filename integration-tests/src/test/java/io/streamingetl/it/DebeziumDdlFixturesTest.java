package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures what Debezium's MariaDB connector emits for every kind of schema migration (add,
 * rename, change, retype and drop of columns, truncate, rename and swap of tables, drop and
 * re-create, a primary-key change, a table without a key): the schema-change events and the data
 * events around them, in binlog order, as the fixture the SMT's schema-change tests read. It checks
 * the fresh capture against the committed one (order, labels and schemas); with
 * {@code -Dfixtures.write=true} it rewrites it:
 *
 * <pre>mvn -B verify -pl integration-tests -am -Dtest=DebeziumDdlFixturesTest -Dsurefire.failIfNoSpecifiedTests=false -Dfixtures.write=true</pre>
 */
class DebeziumDdlFixturesTest {
    static final Path FIXTURE = StackLayout.repoRoot()
            .resolve("connect-enrich-smt/src/test/resources/fixtures/debezium-mariadb-ddl/events.jsonl");
    private static final String DB = "ddl_db";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT);

    @Test
    void capturesEveryKindOfSchemaMigration() throws Exception {
        stack.mariaDb().createCdcUser("debezium", "dbz");
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DB);
        }
        ConnectorConfig source = stack.sourceConfig(DB)
                .without("transforms")
                .named("ddl-capture")
                .with("skipped.operations", "none");
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));
        // Statements run before the streaming phase would be in the snapshot, not streamed.
        SourceStreaming.await(stack);

        List<String> statements = workload();
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("USE " + DB);
            for (String sql : statements) {
                s.execute(sql);
            }
            s.execute("CREATE TABLE done (id INT PRIMARY KEY)"); // the end of the workload on the schema topic
        }
        List<String> lines = capture();
        if (Boolean.getBoolean("fixtures.write")) {
            Files.createDirectories(FIXTURE.getParent());
            Files.write(FIXTURE, lines, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(FIXTURE), FIXTURE + " is missing; generate it with -Dfixtures.write=true");
        List<String> committed = Files.readAllLines(FIXTURE, StandardCharsets.UTF_8);
        assertEquals(shape(committed), shape(lines), "the events of the workload changed; regenerate the fixture");
    }

    static List<String> workload() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(FixtureWorkload.resource("ddl-workload.sql"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("--")) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /** Every record of the schema-change topic and the workload's data topics, in binlog order. */
    private static List<String> capture() {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.GROUP_ID_CONFIG, "ddl-capture",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(Pattern.compile("dbserver(\\." + DB + "\\..*)?"));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records.add(r);
                    done |= r.value() != null && new String(r.value(), StandardCharsets.UTF_8).contains("CREATE TABLE done");
                }
            }
            assertTrue(done, "the workload's last DDL reached the schema-change topic");
            // Let the data topics of the last statements catch up.
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        List<String> lines = new ArrayList<>();
        records.sort(Comparator.comparing(DebeziumDdlFixturesTest::position));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode value = Json.parse(r.value());
            if (r.topic().equals("dbserver") && !value.path("payload").path("databaseName").asText().equals(DB)) {
                continue; // the server's own statements (SET, CREATE DATABASE of other tests)
            }
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("label", label(r, value));
            node.put("topic", r.topic());
            node.set("key", Json.parse(r.key()));
            node.set("value", value);
            lines.add(node.toString());
        }
        return lines;
    }

    /** Binlog order: file, position, row; a tombstone follows the delete it belongs to. */
    private static String position(ConsumerRecord<byte[], byte[]> r) {
        JsonNode v = Json.parse(r.value());
        JsonNode source = v == null ? null : v.path("payload").path("source");
        if (source == null) {
            return "~" + r.topic() + "-" + String.format("%09d", r.offset()); // tombstones sort after their delete below
        }
        return source.path("file").asText() + "/" + String.format("%012d", source.path("pos").asLong()) + "/"
                + String.format("%06d", source.path("row").asLong()) + "/" + r.topic() + "/"
                + String.format("%09d", r.offset());
    }

    private static String label(ConsumerRecord<byte[], byte[]> r, JsonNode value) {
        if (value == null) {
            return r.topic() + "/tombstone";
        }
        JsonNode p = value.path("payload");
        if (p.has("ddl")) {
            return "ddl: " + p.path("ddl").asText().replaceAll("\\s+", " ");
        }
        return r.topic() + "/" + p.path("op").asText();
    }

    private static List<String> shape(List<String> lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = Json.MAPPER.readTree(line);
            out.add(n.path("label").asText() + " " + n.path("value").path("schema"));
        }
        return out;
    }
}
