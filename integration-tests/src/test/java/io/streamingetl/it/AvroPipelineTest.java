package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.mariadb.SqlScript;
import io.streamingetl.localstack.registry.RegistryServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole local pipeline twice over the same binlog: MariaDB -> Debezium -> SMT -> sink ->
 * ClickHouse once with Kafka's JsonConverter and once with Avro through the schema registry
 * (Apicurio's converter, Confluent wire format). Both runs must give the same ClickHouse tables,
 * column types and rows, for every MySQL column type and across {@code ALTER TABLE ... ADD COLUMN}
 * mid-stream; the Avro topics must carry Confluent framing with ids the registry resolves.
 */
class AvroPipelineTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE, Component.REGISTRY)
            // The two runs' row versions are compared one by one. ReplacingMergeTree drops older
            // versions of a key in a merge and, by default, within one inserted block: either
            // would differ between the runs as their inserts are cut differently. Neither here.
            .clickHouseConfig("<merge_tree><max_bytes_to_merge_at_max_space_in_pool>1</max_bytes_to_merge_at_max_space_in_pool>"
                    + "<max_bytes_to_merge_at_min_space_in_pool>1</max_bytes_to_merge_at_min_space_in_pool></merge_tree>",
                    "<profiles><default><optimize_on_insert>0</optimize_on_insert></default></profiles><quotas><default/></quotas>"
                    + "<users><default><password></password><networks><ip>::/0</ip></networks><profile>default</profile>"
                    + "<quota>default</quota></default></users>");

    private static final List<String> TABLES = List.of("all_types", "person", "address", "geo");
    /** After the fixtures workload (which adds person.nickname): a second schema change, on the wide table. */
    private static final List<String> MORE_CHANGES = List.of(
            "ALTER TABLE fixtures_db.all_types ADD COLUMN c_added_decimal DECIMAL(10, 3) NULL,"
                    + " ADD COLUMN c_added_datetime DATETIME(3) NULL",
            "INSERT INTO fixtures_db.all_types (id, c_tinyint, c_smallint, c_added_decimal, c_added_datetime)"
                    + " VALUES (5, 7, -7, 1234567.891, '2025-06-30 12:34:56.789')",
            "UPDATE fixtures_db.all_types SET c_added_decimal = -0.001 WHERE id = 1",
            // Changes BACKWARD compatibility would refuse (a required field renamed, a field retyped):
            // the registry has no rule on CDC subjects (docker-compose sets NONE), the markers apply them.
            "ALTER TABLE fixtures_db.address RENAME COLUMN street TO street_line, MODIFY person_id VARCHAR(20) NOT NULL",
            "INSERT INTO fixtures_db.address (id, person_id, street_line, city) VALUES (99, 'p-1', 'New Street', 'Town')");

    @Test
    void avroRunEqualsJsonRun() throws Exception {
        try (Connection c = stack.mariaDb().connect()) {
            SqlScript.run(c, FixtureWorkload.resource("fixtures-schema.sql"));
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        RegistryServer registry = stack.registry();
        ClickHouseServer clickHouse = stack.clickHouse();
        for (String mode : List.of("json", "avro")) {
            clickHouse.query("CREATE DATABASE " + mode + "_db");
            Map<String, String> converters = mode.equals("avro") ? registry.avroConverterConfig() : Map.of();
            // Two connectors on one database: each its own server id, topic prefix and schema history.
            ConnectorConfig source = stack.sourceConfig("fixtures_db", mode, mode.equals("avro") ? 184101 : 184102)
                    .named(mode + "-source")
                    .with("table.include.list", "fixtures_db.all_types,fixtures_db.person,fixtures_db.address,"
                            + "fixtures_db.geo")
                    .with("schema.history.internal.kafka.topic", "schema-changes." + mode);
            ConnectorConfig sink = stack.sinkConfig(mode + "_db")
                    .named(mode + "-sink")
                    .with("topics.regex", mode + "\\.fixtures_db\\.(all_types|person|address|geo)")
                    .with("database.name.template", "")
                    .with("errors.deadletterqueue.topic.name", "dlq." + mode);
            for (Map.Entry<String, String> e : converters.entrySet()) {
                source = source.with(e.getKey(), e.getValue());
                sink = sink.with(e.getKey(), e.getValue());
            }
            stack.connect().rest().putConnector(source.name(), source.config());
            stack.connect().rest().putConnector(sink.name(), sink.config());
        }
        for (String mode : List.of("json", "avro")) {
            stack.connect().rest().awaitRunning(mode + "-source", 1, Duration.ofSeconds(90));
            stack.connect().rest().awaitRunning(mode + "-sink", 1, Duration.ofSeconds(90));
        }
        // The last row of each table's snapshot (a row ClickHouse refused would go to each sink's
        // dead-letter topic, and must do so the same way in both modes).
        awaitSameState("the snapshot", "all_types id = 2", "person id = 2", "address id = 1", "geo id = 1");

        FixtureWorkload.run(stack.mariaDb(), FixtureWorkload.resource("fixtures-workload.sql"));
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            for (String sql : MORE_CHANGES) {
                s.execute(sql);
            }
        }
        awaitSameState("the workload with ADD, RENAME and MODIFY COLUMN", "person id = 13 AND nickname = 'LSP'",
                "all_types id = 5 AND c_added_decimal = 1234567.891", "geo id = 10 AND _deleted = 1",
                "address id = 10 AND _deleted = 1", "address id = 99 AND street_line = 'New Street' AND person_id = 'p-1'");
        Map<String, Long> jsonRejected = new LinkedHashMap<>();
        deadLetters("json").forEach((k, v) -> jsonRejected.put(k.substring("json.".length()), v));
        Map<String, Long> avroRejected = new LinkedHashMap<>();
        deadLetters("avro").forEach((k, v) -> avroRejected.put(k.substring("avro.".length()), v));
        assertEquals(jsonRejected, avroRejected, "records rejected to the dead-letter topic (JSON run, then Avro run)");
        assertEquals(Map.of(), jsonRejected, "every fixture value has a column that holds it: nothing goes to the DLQ");

        for (String table : TABLES) {
            assertEquals(columns(clickHouse, "json_db", table), columns(clickHouse, "avro_db", table),
                    "ClickHouse column names and types of " + table + " (JSON run, then Avro run)");
            assertEquals(history(clickHouse, "json_db", table), history(clickHouse, "avro_db", table),
                    "every row version of " + table + " (JSON run, then Avro run)");
        }
        assertTrue(columns(clickHouse, "avro_db", "person").contains("nickname\tNullable(String)"),
                columns(clickHouse, "avro_db", "person"));
        assertTrue(columns(clickHouse, "avro_db", "all_types").contains("c_added_decimal\tNullable(Decimal(10, 3))"),
                columns(clickHouse, "avro_db", "all_types"));

        assertUnsignedExact(clickHouse);
        assertEveryColumnAsMariaDbRendersIt(clickHouse);
        try (Connection c = stack.mariaDb().connect()) {
            TypeTable.check(c, stack.kafka().bootstrapServers(), "json.fixtures_db.all_types", clickHouse, "json_db");
        }

        for (String table : TABLES) {
            assertConfluentFraming(registry, "avro.fixtures_db." + table);
        }
        assertNewSchemaVersion(registry, "avro.fixtures_db.person-value", "nickname");
        assertNewSchemaVersion(registry, "avro.fixtures_db.all_types-value", "c_added_decimal");

        // Why the sink sees the same Connect schemas: the Avro schema carries what plain Avro would
        // lose (the width of INT8/INT16, logical type names and the decimal precision).
        String latest = registry.get("/apis/ccompat/v7/subjects/avro.fixtures_db.all_types-value/versions/latest")
                .body();
        for (String kept : List.of("\\\"connect.type\\\":\\\"int8\\\"", "\\\"connect.type\\\":\\\"int16\\\"",
                "org.apache.kafka.connect.data.Decimal", "connect.decimal.precision",
                "org.apache.kafka.connect.data.Timestamp")) {
            assertTrue(latest.contains(kept), "the Avro schema keeps " + kept + ": " + latest);
        }
    }

    /**
     * Unsigned integers (Debezium propagates their source type) land as UInt8/16/32/64, YEAR as UInt16, BIT(10) as UInt16, TIME as Time64(6) (-838:59:59 included), and read back
     * as MariaDB renders them: id 1 holds each type's maximum (BIGINT UNSIGNED 2^64-1, which
     * Debezium's long mode carries as -1), id 5 NULLs.
     */
    private static void assertUnsignedExact(ClickHouseServer clickHouse) throws SQLException {
        String cols = "id, c_tinyint_u, c_smallint_u, c_mediumint_u, c_int_u, c_bigint_u, c_year, c_bit10, c_time, c_time6";
        String source;
        try (Connection c = stack.mariaDb().connect()) {
            source = SourceDatabase.tsv(c, "SELECT " + cols.replace("c_bit10", "c_bit10 + 0").replace("c_time,", "CAST(c_time AS TIME(6)),")
                    + " FROM fixtures_db.all_types WHERE id IN (1, 5) ORDER BY id");
        }
        assertTrue(source.startsWith("1\t255\t65535\t16777215\t4294967295\t18446744073709551615\t2024\t682\t-838:59:59.000000\t23:59:59.999999\n"), source);
        for (String db : List.of("json_db", "avro_db")) {
            String columns = columns(clickHouse, db, "all_types");
            for (String expected : List.of("c_tinyint_u\tNullable(UInt8)", "c_smallint_u\tNullable(UInt16)",
                    "c_mediumint_u\tNullable(UInt32)", "c_int_u\tNullable(UInt32)", "c_bigint_u\tNullable(UInt64)",
                    "c_year\tNullable(UInt16)", "c_bit10\tNullable(UInt16)", "c_time\tNullable(Time64(6))",
                    "c_time6\tNullable(Time64(6))", "c_set\tArray(LowCardinality(String))")) {
                assertTrue(columns.contains(expected), db + " has " + expected + ":\n" + columns);
            }
            assertEquals(source, clickHouse.query("SELECT " + cols + " FROM " + db + ".all_types FINAL"
                    + " WHERE id IN (1, 5) AND _deleted = 0 ORDER BY id FORMAT TSV"), db + ": unsigned values as MariaDB has them");
        }
    }

    /**
     * Every column of the extremes row (id 1: DECIMAL(65,30), YEAR 1901 and 2155, BIT(64) all ones,
     * 64 KB TEXT, TIMESTAMP(6) at the end of its range, DATE and DATETIME 1000-01-01, zero dates as NULL, ...) reads back from ClickHouse as MariaDB
     * renders it, in both modes: per column a MariaDB expression and a ClickHouse expression that print the same
     * text for the same value (the workload's update of id 1, DATE 9999-12-31 included, is in). Then
     * person's DATE column (1815-12-10, 1912-06-23, ...) for every row.
     */
    private static void assertEveryColumnAsMariaDbRendersIt(ClickHouseServer clickHouse) throws SQLException {
        String[][] columns = {
            {"c_int", "c_int"}, {"c_varchar", "c_varchar"}, {"c_date", "c_date"},
            {"DATE_FORMAT(c_timestamp6, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_timestamp6, '%Y-%m-%d %H:%i:%s.%f')"},
            {"c_tinyint", "c_tinyint"}, {"c_smallint", "c_smallint"}, {"c_mediumint", "c_mediumint"},
            {"c_bigint", "c_bigint"}, {"c_decimal", "c_decimal"}, {"c_decimal_wide", "c_decimal_wide"},
            {"CAST(c_float AS CHAR)", "c_float"}, {"CAST(c_double AS CHAR)", "c_double"}, {"c_bool", "c_bool"},
            {"c_bit1 + 0", "toUInt8(c_bit1)"},
            {"DATE_FORMAT(c_datetime0, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_datetime0, '%Y-%m-%d %H:%i:%s.%f')"},
            {"DATE_FORMAT(c_datetime1, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_datetime1, '%Y-%m-%d %H:%i:%s.%f')"},
            {"DATE_FORMAT(c_datetime3, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_datetime3, '%Y-%m-%d %H:%i:%s.%f')"},
            {"DATE_FORMAT(c_datetime4, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_datetime4, '%Y-%m-%d %H:%i:%s.%f')"},
            {"DATE_FORMAT(c_datetime6, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_datetime6, '%Y-%m-%d %H:%i:%s.%f')"},
            {"c_char", "c_char"}, {"c_text", "c_text"}, {"c_mediumtext", "c_mediumtext"},
            {"HEX(c_blob)", "hex(c_blob)"}, {"HEX(c_binary)", "hex(c_binary)"}, {"HEX(c_varbinary)", "hex(c_varbinary)"},
            {"c_json", "c_json"}, {"c_enum", "c_enum"}, {"c_set", "arrayStringConcat(c_set, ',')"},
            {"ST_X(c_point)", "c_point_x"}, {"ST_Y(c_point)", "c_point_y"},
            {"c_decimal65", "c_decimal65"}, {"c_year_min", "c_year_min"}, {"c_year_max", "c_year_max"},
            {"CAST(c_bit64 AS UNSIGNED)", "c_bit64"}, {"CONCAT(LENGTH(c_text64k), ' ', MD5(c_text64k))",
                "concat(toString(length(c_text64k)), ' ', lower(hex(MD5(c_text64k))))"},
            {"DATE_FORMAT(c_ts_max, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_ts_max, '%Y-%m-%d %H:%i:%s.%f')"},
            {"c_date_min", "c_date_min"},
            {"DATE_FORMAT(c_dt_min, '%Y-%m-%d %H:%i:%s.%f')", "formatDateTime(c_dt_min, '%Y-%m-%d %H:%i:%s.%f')"},
            // MySQL's zero date means "no date": Debezium sends null, ClickHouse holds NULL.
            {"IF(c_date_zero = '0000-00-00', 'zero date', c_date_zero)", "ifNull(toString(c_date_zero), 'zero date')"},
            {"IF(c_dt_zero = '0000-00-00 00:00:00', 'zero date', c_dt_zero)", "ifNull(toString(c_dt_zero), 'zero date')"},
        };
        StringBuilder maria = new StringBuilder("SELECT ");
        StringBuilder click = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.length; i++) {
            maria.append(i > 0 ? ", " : "").append(columns[i][0]);
            click.append(i > 0 ? ", " : "").append(columns[i][1]);
        }
        String source;
        try (Connection c = stack.mariaDb().connect()) {
            source = SourceDatabase.tsv(c, maria + " FROM fixtures_db.all_types WHERE id = 1");
        }
        String[] expected = source.substring(0, source.length() - 1).split("\t", -1);
        assertEquals(columns.length, expected.length, source);
        for (String db : List.of("json_db", "avro_db")) {
            String target = clickHouse.query(click + " FROM " + db + ".all_types FINAL WHERE id = 1 FORMAT TSVRaw");
            String[] actual = target.substring(0, Math.max(0, target.length() - 1)).split("\t", -1);
            assertEquals(columns.length, actual.length, db + ": " + target);
            for (int i = 0; i < columns.length; i++) {
                assertEquals(expected[i], actual[i], db + ": " + columns[i][1] + " as MariaDB's " + columns[i][0]);
            }
        }
        String persons;
        try (Connection c = stack.mariaDb().connect()) {
            persons = SourceDatabase.tsv(c, "SELECT id, birth_date FROM fixtures_db.person ORDER BY id");
        }
        assertTrue(persons.startsWith("1\t1815-12-10\n"), persons);
        for (String db : List.of("json_db", "avro_db")) {
            assertEquals(persons, clickHouse.query("SELECT id, birth_date FROM " + db + ".person FINAL WHERE _deleted = 0"
                    + " ORDER BY id FORMAT TSVRaw"), db + ": person.birth_date");
        }
    }

    /**
     * Waits until both databases hold the given last rows ("table condition") and agree on every
     * row version of every table: expected is every last row present and the JSON run's row
     * versions, actual what the databases hold and the Avro run's row versions.
     */
    private static void awaitSameState(String what, String... lastRows) {
        ClickHouseServer clickHouse = stack.clickHouse();
        AwaitEqual.of(what + " in both databases", Duration.ofSeconds(120),
                        () -> state(clickHouse, lastRows, false, "json_db"),
                        () -> state(clickHouse, lastRows, true, "avro_db"))
                .diagnostics(() -> "connectors: " + stack.connect().rest().get("/connectors?expand=status").body()
                        + "\n" + diagnostics(clickHouse))
                .await();
    }

    /**
     * Per database, whether it holds each last row (queried when {@code probe}, else "present");
     * then every table's row versions in {@code historyDb}.
     */
    private static Map<String, String> state(ClickHouseServer clickHouse, String[] lastRows, boolean probe,
                                             String historyDb) {
        Map<String, String> state = new LinkedHashMap<>();
        for (String db : List.of("json_db", "avro_db")) {
            for (String lastRow : lastRows) {
                state.put(db + " holds " + lastRow, probe ? lastRowState(clickHouse, db, lastRow) : "present");
            }
        }
        for (String table : TABLES) {
            state.put(table + " row versions", history(clickHouse, historyDb, table));
        }
        return state;
    }

    private static String lastRowState(ClickHouseServer clickHouse, String db, String lastRow) {
        String table = lastRow.substring(0, lastRow.indexOf(' '));
        try {
            if (historyCount(clickHouse, db, table) == 0) {
                return "no rows yet";
            }
            return "1".equals(clickHouse.query("SELECT count() > 0 FROM " + db + ".`" + table + "` WHERE "
                    + lastRow.substring(lastRow.indexOf(' ') + 1)).strip()) ? "present" : "absent";
        } catch (IllegalStateException columnNotAddedYet) {
            return "not yet: " + String.valueOf(columnNotAddedYet.getMessage()).lines().findFirst().orElse("");
        }
    }

    /** Offsets of the records each sink sent to its dead-letter topic, per source topic. */
    private static Map<String, Long> deadLetters(String mode) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (endOffset("dlq." + mode) == 0) {
            return counts;
        }
        try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), "dlq." + mode)) {
            long end = endOffset("dlq." + mode);
            for (ConsumerRecord<byte[], byte[]> r : reader.readAtLeast((int) end, Duration.ofSeconds(10))) {
                var header = r.headers().lastHeader("__connect.errors.topic");
                String topic = header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
                counts.merge(topic.substring(topic.indexOf('.') + 1), 1L, Long::sum);
            }
        }
        Map<String, Long> byTopic = new LinkedHashMap<>();
        counts.forEach((k, v) -> byTopic.put(mode + "." + k, v));
        return byTopic;
    }

    private static long endOffset(String topic) {
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
                "bootstrap.servers", stack.kafka().bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition(topic, 0);
            if (consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty()) {
                return 0;
            }
            return consumer.endOffsets(List.of(partition)).get(partition);
        } catch (org.apache.kafka.common.KafkaException e) {
            return 0;
        }
    }

    private static long historyCount(ClickHouseServer clickHouse, String db, String table) {
        if (!"1".equals(clickHouse.query("EXISTS TABLE " + db + ".`" + table + "`").strip())) {
            return 0;
        }
        return Long.parseLong(clickHouse.query("SELECT count() FROM " + db + ".`" + table + "`").strip());
    }

    private static String diagnostics(ClickHouseServer clickHouse) {
        StringBuilder sb = new StringBuilder();
        for (String table : TABLES) {
            for (String db : List.of("json_db", "avro_db")) {
                sb.append(db).append('.').append(table).append(": ").append(finalCount(clickHouse, db, table))
                        .append(" current rows, columns:\n").append(columns(clickHouse, db, table)).append('\n');
            }
        }
        return sb.toString();
    }

    private static Long finalCount(ClickHouseServer clickHouse, String db, String table) {
        if (!"1".equals(clickHouse.query("EXISTS TABLE " + db + ".`" + table + "`").strip())) {
            return -1L;
        }
        return Long.parseLong(clickHouse.query("SELECT count() FROM " + db + ".`" + table
                + "` FINAL WHERE _deleted = 0").strip());
    }

    private static String columns(ClickHouseServer clickHouse, String db, String table) {
        return clickHouse.query("SELECT name, type FROM system.columns WHERE database = '" + db + "' AND table = '"
                + table + "' ORDER BY position");
    }

    /**
     * Every row version the sink wrote, all columns as text. {@code _ts_ms} of snapshot rows is the
     * time each connector read the table, so it is compared only for streamed changes.
     */
    private static String history(ClickHouseServer clickHouse, String db, String table) {
        if (!"1".equals(clickHouse.query("EXISTS TABLE " + db + ".`" + table + "`").strip())) {
            return "(no table " + db + "." + table + ")";
        }
        return clickHouse.query("SELECT * EXCEPT (_ts_ms), if(_op = 'r', 0, _ts_ms) FROM " + db + ".`" + table
                + "` ORDER BY _version, id FORMAT TSVWithNames");
    }

    /**
     * Magic byte 0, a 4-byte schema id the registry's Confluent API resolves, then Avro; for keys
     * and values of every record but the schema-change markers.
     */
    private static void assertConfluentFraming(RegistryServer registry, String topic) {
        try (TopicReader reader = new TopicReader(stack.kafka().bootstrapServers(), topic)) {
            List<ConsumerRecord<byte[], byte[]>> records = reader.readAtLeast(1, Duration.ofSeconds(30));
            Set<Integer> ids = new TreeSet<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.headers().lastHeader("streamingetl.schema.change") != null) {
                    // A schema-change marker: no key, no value, so nothing in the registry.
                    assertTrue(r.key() == null && r.value() == null, topic + "@" + r.offset() + ": a marker");
                    continue;
                }
                for (byte[] bytes : new byte[][] {r.key(), r.value()}) {
                    assertNotNull(bytes, topic + "@" + r.offset() + ": tombstones are dropped by the SMT");
                    assertTrue(bytes.length > 5, topic + "@" + r.offset() + ": " + bytes.length + " bytes");
                    assertEquals(0, bytes[0], topic + "@" + r.offset() + ": Confluent magic byte");
                    ids.add(ByteBuffer.wrap(bytes, 1, 4).getInt());
                }
            }
            for (int id : ids) {
                HttpResponse<String> schema = registry.get("/apis/ccompat/v7/schemas/ids/" + id);
                assertEquals(200, schema.statusCode(), topic + ": schema id " + id + ": " + schema.body());
                JsonNode body = Json.parse(schema.body().getBytes(StandardCharsets.UTF_8));
                assertTrue(body.path("schema").asText().contains("\"type\""), schema.body());
            }
        }
    }

    /** The ALTER TABLE registered a second version of the value subject, and the latest has the new column. */
    private static void assertNewSchemaVersion(RegistryServer registry, String subject, String newColumn) {
        HttpResponse<String> versions = registry.get("/apis/ccompat/v7/subjects/" + subject + "/versions");
        assertEquals(200, versions.statusCode(), subject + ": " + versions.body());
        assertTrue(Json.parse(versions.body().getBytes(StandardCharsets.UTF_8)).size() >= 2,
                subject + " versions after ALTER TABLE: " + versions.body());
        HttpResponse<String> latest = registry.get("/apis/ccompat/v7/subjects/" + subject + "/versions/latest");
        assertEquals(200, latest.statusCode(), latest.body());
        assertTrue(latest.body().contains(newColumn), subject + " latest: " + latest.body());
    }
}
