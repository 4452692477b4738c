package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Identifiers and secrets through the real worker and a ClickHouse with a password-protected user
 * {@code etl} (users.xml): hostile table and column names are created exactly and run nothing
 * else; the password never shows in the REST API (through a ConfigProvider; Connect itself returns
 * a literal password raw), the worker log or a task's failure trace; a wrong password is a
 * validation error on clickhouse.password; and records reach ClickHouse as user etl.
 */
class SecurityTest {
    private static final String SECRET = "Etl-S3cret-7f1c9e";
    private static final String WRONG_SECRET = "Wrong-S3cret-a9e5";
    private static final String SINK = "sec-sink";
    private static final String HOSTILE_TABLE = "x`; DROP TABLE victim; --";
    private static final List<String> HOSTILE_FIELDS = List.of("x`; DROP TABLE victim; --", "it's", "\"dq\"",
            "back\\slash", "with space", "ünïcødé 表", "select", "`");

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CONNECT)
            .workerConfig("config.providers", "file")
            .workerConfig("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
            .workerConfig("rest.extension.classes", "io.streamingetl.console.ConsoleRestExtension")
            .workerConfig("console.restart.failed.tasks", "false");

    private static ClickHouseServer clickHouse;
    private static Path secrets;

    @BeforeAll
    static void setUp() throws Exception {
        Path dir = stack.baseDir().resolve("clickhouse-auth");
        Files.createDirectories(dir);
        Path users = dir.resolve("users.xml");
        Files.writeString(users, """
                <clickhouse>
                  <profiles><default/></profiles>
                  <quotas><default/></quotas>
                  <users>
                    <default><password></password><networks><ip>::/0</ip></networks>
                      <profile>default</profile><quota>default</quota></default>
                    <etl><password>%s</password><networks><ip>::/0</ip></networks>
                      <profile>default</profile><quota>default</quota></etl>
                  </users>
                </clickhouse>
                """.formatted(SECRET));
        Path cfg = dir.resolve("cfg.xml");
        Files.writeString(cfg, """
                <clickhouse>
                  <user_directories><users_xml><path>%s</path></users_xml></user_directories>
                </clickhouse>
                """.formatted(users.toAbsolutePath()));
        clickHouse = new ClickHouseServer(dir.resolve("data"), Ports.free(), Ports.free(), Lifetime.TIED, cfg.toAbsolutePath())
                .start();
        clickHouse.query("CREATE TABLE default.victim (id Int64) ENGINE = MergeTree ORDER BY id");
        clickHouse.query("INSERT INTO default.victim VALUES (1)");
        clickHouse.query("CREATE DATABASE sec");
        secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "clickhouse.password=" + SECRET + "\n");

        stack.connect().rest().putConnector(SINK, base(SINK)
                .with("topics.regex", "sec_.*|sec\\..*")
                .with("clickhouse.password", "${file:" + secrets.toAbsolutePath() + ":clickhouse.password}").config());
        stack.connect().rest().awaitRunning(SINK, 1, Duration.ofSeconds(90));
    }

    @AfterAll
    static void tearDown() {
        if (clickHouse != null) {
            clickHouse.stop();
        }
    }

    private static ConnectorConfig base(String name) {
        return stack.sinkConfig(clickHouse, "sec").named(name)
                .with("clickhouse.user", "etl")
                .with("errors.deadletterqueue.topic.name", "dlq." + name);
    }

    @Test
    void hostileIdentifiersCreateExactlyThoseNamesAndRunNothingElse() throws Exception {
        // Table from the _db/_table routing fields (topic names cannot hold such characters), columns from fields.
        SchemaBuilder b = SchemaBuilder.struct().name("hostile").field("id", Schema.INT64_SCHEMA);
        HOSTILE_FIELDS.forEach(f -> b.field(f, Schema.STRING_SCHEMA));
        b.field("_db", Schema.STRING_SCHEMA).field("_table", Schema.STRING_SCHEMA);
        Schema schema = b.build();
        // SQL keywords through the topic: db `select`, table `from`.
        Schema plain = SchemaBuilder.struct().name("plain").field("id", Schema.INT64_SCHEMA)
                .field("where", Schema.STRING_SCHEMA).build();
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = 1; id <= 3; id++) {
                Struct v = new Struct(schema).put("id", id).put("_db", "sec_names").put("_table", HOSTILE_TABLE);
                for (String f : HOSTILE_FIELDS) {
                    v.put(f, f + "|" + id);
                }
                producer.send(new ProducerRecord<>("sec_hostile", 0, null, json("sec_hostile", schema, v))).get();
                producer.send(new ProducerRecord<>("sec.select.from", 0, null,
                        json("sec.select.from", plain, new Struct(plain).put("id", id).put("where", "';--")))).get();
                sent += 2;
            }
        }
        String hexTable = hex(HOSTILE_TABLE);
        Wait.until("hostile table with 3 rows", Duration.ofSeconds(60), () -> "3".equals(clickHouse.query(
                "SELECT sum(total_rows) FROM system.tables WHERE database = 'sec_names' AND hex(name) = '" + hexTable + "'").strip())
                && "3".equals(clickHouse.query("SELECT sum(total_rows) FROM system.tables WHERE database = 'select'"
                + " AND name = 'from'").strip()));
        // Exactly the names, in order, nothing more.
        List<String> expectedColumns = new ArrayList<>(List.of("id"));
        expectedColumns.addAll(HOSTILE_FIELDS);
        expectedColumns.addAll(List.of("_db", "_table"));
        List<String> columns = clickHouse.query("SELECT hex(name) FROM system.columns WHERE database = 'sec_names' AND hex(table) = '"
                + hexTable + "' ORDER BY position").lines().map(SecurityTest::unhex).toList();
        assertEquals(expectedColumns, columns);
        assertEquals(List.of(HOSTILE_TABLE), clickHouse.query("SELECT hex(name) FROM system.tables WHERE database = 'sec_names'").lines().map(SecurityTest::unhex).toList(), "the only table in sec_names");
        assertEquals("id\nwhere\n", clickHouse.query(
                "SELECT name FROM system.columns WHERE database = 'select' AND table = 'from' ORDER BY position"));
        // The values went through byte for byte.
        assertEquals(hex(HOSTILE_FIELDS.get(3) + "|2"), clickHouse.query("SELECT hex(`back\\\\slash`) FROM sec_names.`x\\`; DROP TABLE victim; --`"
                + " WHERE id = 2").strip());
        // The victim survived, and no DROP ran.
        assertEquals("1\n", clickHouse.query("SELECT count() FROM default.victim"));
        String dropQueries = "n/a";
        if ("1".equals(clickHouse.query("EXISTS TABLE system.query_log").strip())) {
            clickHouse.query("SYSTEM FLUSH LOGS");
            dropQueries = clickHouse.query("SELECT count() FROM system.query_log WHERE query_kind = 'Drop'").strip();
            assertEquals("0", dropQueries, "no DROP statement ran");
        }
        System.out.printf("SecurityTest identifiers: sent %d, found %s + %s, DROP queries in query_log %s%n", sent,
                clickHouse.query("SELECT count() FROM sec_names.`x\\`; DROP TABLE victim; --`").strip(),
                clickHouse.query("SELECT count() FROM `select`.`from`").strip(), dropQueries);
    }

    @Test
    void userAndPasswordWorkEndToEndAndThePasswordIsNeverShown() throws Exception {
        Schema schema = SchemaBuilder.struct().name("authrow").field("id", Schema.INT64_SCHEMA)
                .field("who", Schema.STRING_SCHEMA).build();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (long id = 1; id <= 5; id++) {
                producer.send(new ProducerRecord<>("sec_auth", 0, null,
                        json("sec_auth", schema, new Struct(schema).put("id", id).put("who", "etl")))).get();
            }
        }
        Wait.until("5 rows written as etl", Duration.ofSeconds(60), () ->
                "1".equals(clickHouse.query("EXISTS TABLE sec.sec_auth").strip())
                        && "5".equals(clickHouse.query("SELECT count() FROM sec.sec_auth").strip()));
        if ("1".equals(clickHouse.query("EXISTS TABLE system.query_log").strip())) {
            clickHouse.query("SYSTEM FLUSH LOGS");
            assertTrue(Long.parseLong(clickHouse.query("SELECT count() FROM system.query_log WHERE user = 'etl'"
                    + " AND query_kind = 'Insert' AND has(tables, 'sec.sec_auth')").strip()) > 0, "inserts ran as etl");
        }
        // Through the ConfigProvider: the REST API shows only the reference.
        for (String path : List.of("/connectors/" + SINK, "/connectors/" + SINK + "/config", "/connectors?expand=info")) {
            String body = stack.connect().rest().get(path).body().toString();
            assertFalse(body.contains(SECRET), path + " shows the password: " + body);
            assertTrue(body.contains("${file:"), path + " shows the ConfigProvider reference");
        }
        // The console reads ClickHouse with the sink's settings, the reference resolved as the worker resolves it.
        var counts = stack.connect().rest().get("/console/api/clickhouse?connector=" + SINK);
        assertEquals(200, counts.status(), "console counts: " + counts.body());
        String auth = null;
        for (var t : counts.body()) {
            if (t.path("table").asText().equals("sec.sec_auth")) {
                auth = t.path("raw").asText();
            }
        }
        assertEquals("5", auth, "the console's count of sec.sec_auth, read as etl: " + counts.body());
        assertFalse(counts.body().toString().contains(SECRET), "the console shows the password");
        // A literal password: Connect's REST API returns connector configs raw (it only hides
        // PASSWORD values in validate answers), which is why users should use a ConfigProvider.
        stack.connect().rest().putConnector("sec-literal", base("sec-literal").without("topics.regex").with("topics", "sec_literal_unused")
                .with("clickhouse.password", SECRET).config());
        String literalConfig = stack.connect().rest().get("/connectors/sec-literal/config").body().toString();
        assertTrue(literalConfig.contains(SECRET), "Connect returns a literal password raw (documented): " + literalConfig);
        stack.connect().rest().awaitRunning("sec-literal", 1, Duration.ofSeconds(60));
        stack.connect().rest().delete("/connectors/sec-literal");

        String log = Files.readString(stack.connect().process().logFile(), StandardCharsets.UTF_8);
        assertFalse(log.contains(SECRET), "worker log holds the resolved password");
        System.out.printf("SecurityTest auth: sent 5 as etl, found %s; secret in REST/log: no (log %d bytes)%n",
                clickHouse.query("SELECT count() FROM sec.sec_auth").strip(), log.length());
    }

    @Test
    void wrongPasswordIsAFieldErrorAndNeverShownInTracesOrLogs() throws Exception {
        var config = base("sec-wrong").without("topics.regex").with("topics", "sec_wrong").with("clickhouse.password", WRONG_SECRET).config();
        JsonNode validation = stack.connect().rest().validate("io.streamingetl.clickhouse.ClickHouseSinkConnector",
                config).requireSuccess("validate").body();
        assertFalse(validation.toString().contains(WRONG_SECRET), "validate echoes the password");
        List<String> passwordErrors = new ArrayList<>();
        List<String> otherErrors = new ArrayList<>();
        for (JsonNode c : validation.path("configs")) {
            for (JsonNode e : c.path("value").path("errors")) {
                (c.path("value").path("name").asText().equals("clickhouse.password") ? passwordErrors : otherErrors).add(e.asText());
            }
        }
        System.out.println("validate with a wrong password: clickhouse.password errors " + passwordErrors + ", others " + otherErrors);
        assertEquals(1, passwordErrors.size(), "one error on clickhouse.password: " + validation);
        assertTrue(passwordErrors.get(0).contains("etl"), passwordErrors.get(0));

        // The worker runs validate on PUT too: the connector is refused, naming the cause, not the password.
        var refused = stack.connect().rest().put("/connectors/sec-wrong/config", config);
        assertEquals(400, refused.status(), refused.body().toString());
        assertTrue(refused.body().toString().contains("code 516") && !refused.body().toString().contains(WRONG_SECRET),
                refused.body().toString());
        // A password rotated under a running connector (the ConfigProvider's file changes, then a
        // restart): the task fails, and the trace holds no password.
        Path rotated = secrets.resolveSibling("rotated.properties");
        Files.writeString(rotated, "clickhouse.password=" + SECRET + "\n");
        stack.connect().rest().putConnector("sec-wrong", base("sec-wrong").without("topics.regex").with("topics", "sec_wrong")
                .with("clickhouse.password", "${file:" + rotated.toAbsolutePath() + ":clickhouse.password}").config());
        stack.connect().rest().awaitRunning("sec-wrong", 1, Duration.ofSeconds(60));
        Files.writeString(rotated, "clickhouse.password=" + WRONG_SECRET + "\n");
        stack.connect().rest().post("/connectors/sec-wrong/restart?includeTasks=true", null);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            Schema schema = SchemaBuilder.struct().name("w").field("id", Schema.INT64_SCHEMA).build();
            producer.send(new ProducerRecord<>("sec_wrong", 0, null, json("sec_wrong", schema,
                    new Struct(schema).put("id", 1L)))).get();
        }
        String[] trace = {""};
        Wait.until("sec-wrong FAILED", Duration.ofSeconds(90), () -> {
            JsonNode status = stack.connect().rest().status("sec-wrong").body();
            String connector = status.path("connector").path("trace").asText("");
            String task = status.path("tasks").path(0).path("trace").asText("");
            trace[0] = connector + task;
            return "FAILED".equals(status.path("connector").path("state").asText())
                    || "FAILED".equals(status.path("tasks").path(0).path("state").asText());
        });
        System.out.println("sec-wrong trace (head): " + trace[0].lines().limit(3).toList());
        assertFalse(trace[0].contains(WRONG_SECRET), "trace holds the password");
        String lower = trace[0].toLowerCase(Locale.ROOT);
        assertTrue(trace[0].contains("516") || lower.contains("password") || lower.contains("authentic"),
                "the trace says why: " + trace[0]);
        stack.connect().rest().delete("/connectors/sec-wrong");
        String log = Files.readString(stack.connect().process().logFile(), StandardCharsets.UTF_8);
        assertFalse(log.contains(WRONG_SECRET), "worker log holds the wrong password");
        assertEquals("0\n", clickHouse.query("SELECT count() FROM system.tables WHERE database = 'sec' AND name = 'sec_wrong'"));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] json(String topic, Schema schema, Struct value) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true"), false);
        return c.fromConnectData(topic, schema, value);
    }

    private static String hex(String s) {
        return HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unhex(String h) {
        return new String(HexFormat.of().parseHex(h.strip()), StandardCharsets.UTF_8);
    }
}
