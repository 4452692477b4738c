package io.streamingetl.it;

import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Faults under a steady stream of changes through the real pipeline (MariaDB, Debezium, the SMT,
 * the sink, ClickHouse): afterwards the CDC table's FINAL state equals the source, its raw
 * table (merges stopped) holds each change once, and the append-only table holds every produced
 * record exactly once.
 */
class PipelineFaultsTest {
    private static final int ROWS = 30_000;
    private static final int BATCH = 250;
    private static final String SINK = "faults-sink";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE);

    private static ConnectorConfig sink;

    @BeforeAll
    static void pipeline() throws Exception {
        stack.mariaDb().execute("CREATE DATABASE faults_db");
        for (String fault : List.of("ch", "worker", "task", "errors")) {
            stack.mariaDb().execute("CREATE TABLE faults_db.load_" + fault + " (id INT PRIMARY KEY, payload VARCHAR(64) NOT NULL,"
                    + " n INT NOT NULL, changed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))");
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            admin.createTopics(List.of("ch", "worker", "task", "errors").stream()
                    .map(f -> new NewTopic("events_" + f, 2, (short) 1)).toList()).all().get();
        }
        ConnectorConfig source = stack.sourceConfig("faults_db", "faults", 5501).named("faults-source")
                .with("table.include.list", "faults_db\\.load_.*");
        stack.connect().rest().putConnector(source.name(), source.config());
        stack.clickHouse().query("CREATE DATABASE faults_db");
        sink = stack.sinkConfig("faults_db").named(SINK)
                .with("topics.regex", "faults\\.faults_db\\.load_.*|events_.*")
                .with("tasks.max", "2")
                .with("errors.tolerance", "none")
                .with("retry.backoff.max.ms", "2000")
                // Small buffers: inserts happen inside put(), where a fault used to double rows on redelivery.
                .with("buffer.max.rows", "500");
        stack.connect().rest().putConnector(SINK, sink.config());
        stack.connect().rest().awaitRunning(source.name(), 1, Duration.ofSeconds(90));
        stack.connect().rest().awaitRunning(SINK, 2, Duration.ofSeconds(90));
    }

    @Test
    void clickHouseKilledMidStreamAndRestartedAfterTenSeconds() throws Exception {
        runUnderLoad("ch", () -> {
            stack.clickHouse().kill();
            pause(Duration.ofSeconds(10));
            stack.clickHouse().start();
        });
    }

    @Test
    void connectWorkerProcessKilledAndRestarted() throws Exception {
        runUnderLoad("worker", () -> {
            stack.connect().kill();
            stack.connect().start();
        });
    }

    @Test
    void sinkTaskDiesBetweenInsertAndOffsetCommit() throws Exception {
        runUnderLoad("task", () -> {
            // The test-only hook: the tasks restart with it, insert once and die before the commit.
            stack.connect().rest().putConnector(SINK, sink.with("test.crash.after.insert", "task").config());
            Wait.until("a sink task FAILED by the crash hook", Duration.ofSeconds(60), () ->
                    stack.connect().rest().status(SINK).body().path("tasks").findValuesAsText("state").contains("FAILED"));
            stack.connect().rest().putConnector(SINK, sink.config());
            stack.connect().rest().post("/connectors/" + SINK + "/restart?includeTasks=true&onlyFailed=true", null);
        });
    }

    @Test
    void clickHouseRefusesInsertsForAWhile() throws Exception {
        String table = "faults_db.load_errors";
        runUnderLoad("errors", () -> {
            Wait.until(table + " created by the sink", Duration.ofSeconds(60), () -> exists(table));
            // Every insert now fails with TOO_MANY_PARTS (252), as on an overloaded server.
            stack.clickHouse().query("ALTER TABLE " + table + " MODIFY SETTING parts_to_throw_insert = 1");
            stack.clickHouse().query("ALTER TABLE faults_db.events_errors MODIFY SETTING parts_to_throw_insert = 1");
            pause(Duration.ofSeconds(10));
            stack.clickHouse().query("ALTER TABLE " + table + " MODIFY SETTING parts_to_throw_insert = 3000");
            stack.clickHouse().query("ALTER TABLE faults_db.events_errors MODIFY SETTING parts_to_throw_insert = 3000");
        });
    }

    /** 30k inserts plus updates into faults_db.load_X and 30k events into events_X, with the fault mid-stream. */
    private static void runUnderLoad(String fault, Runnable inject) throws Exception {
        // Own threads: the common pool has one thread on two cores and would run these in turn.
        ExecutorService load = Executors.newFixedThreadPool(2);
        long[] source;
        try {
            Future<long[]> cdc = load.submit(() -> writeSource("load_" + fault));
            Future<?> events = load.submit(() -> produce("events_" + fault));
            pause(Duration.ofSeconds(4));
            // Merges would fold a change written twice into one row: keep the raw parts as written.
            Wait.until("faults_db.load_" + fault + " created by the sink", Duration.ofSeconds(60),
                    () -> exists("faults_db.load_" + fault));
            stack.clickHouse().query("SYSTEM STOP MERGES faults_db.load_" + fault);
            inject.run();
            source = cdc.get();
            events.get();
        } finally {
            load.shutdownNow();
        }

        String table = "faults_db.load_" + fault;
        String expected = source[0] + "\t" + source[1] + "\n";
        String[] found = {""};
        try {
            AwaitEqual.until(table + " FINAL = source " + expected.strip(), Duration.ofMinutes(3), () -> expected,
                    () -> found[0] = exists(table)
                            ? stack.clickHouse().query("SELECT count(), sum(n) FROM " + table + " FINAL WHERE _deleted = 0")
                            : "");
            Wait.until("events_" + fault + " complete", Duration.ofMinutes(3), () -> exists("faults_db.events_" + fault)
                    && Long.parseLong(stack.clickHouse().query("SELECT uniqExact(id) FROM faults_db.events_" + fault).strip()) >= ROWS);
        } finally {
            String[] counts = exists("faults_db.events_" + fault)
                    ? stack.clickHouse().query("SELECT count(), uniqExact(id) FROM faults_db.events_" + fault).strip().split("\t")
                    : new String[] {"0", "0"};
            long rows = Long.parseLong(counts[0]);
            long unique = Long.parseLong(counts[1]);
            String cdcFound = found[0].isEmpty() ? "?" : found[0].strip().replace('\t', '/');
            System.out.printf("fault %-6s CDC: source rows/sum(n) %d/%d, ClickHouse FINAL %s | append-only: sent %d,"
                    + " found %d, lost %d, duplicated %d%n", fault, source[0], source[1], cdcFound, ROWS, unique,
                    ROWS - unique, rows - unique);
        }
        assertEquals(expected, found[0], table + " FINAL (count, sum(n)) equals the source");
        assertEquals(ROWS + "\t" + ROWS + "\n", stack.clickHouse().query(
                "SELECT count(), uniqExact(id) FROM faults_db.events_" + fault), "every event exactly once");
        assertEquals("", stack.clickHouse().query("SELECT id FROM " + table + " FINAL GROUP BY id HAVING count() > 1"));
        // Each source change once in the raw table: the source's records and offsets commit in one
        // transaction (exactly.once.source.support), the sink's inserts carry dedup tokens.
        assertEquals("0\n", stack.clickHouse().query("SELECT count() FROM (SELECT id, _version FROM " + table
                + " GROUP BY id, _version HAVING count() > 1)"), "changes written twice into the raw table " + table);
        stack.clickHouse().query("SYSTEM START MERGES " + table);
    }

    private static boolean exists(String table) {
        return "1".equals(stack.clickHouse().query("EXISTS TABLE " + table).strip());
    }

    /** Returns the source's final {count, sum(n)}. */
    private static long[] writeSource(String table) {
        Random random = new Random(42);
        try (Connection c = stack.mariaDb().connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO faults_db." + table
                    + " (id, payload, n) VALUES (?, ?, ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE faults_db." + table + " SET n = n + 1 WHERE id = ?")) {
                for (int start = 0; start < ROWS; start += BATCH) {
                    for (int id = start; id < start + BATCH; id++) {
                        insert.setInt(1, id);
                        insert.setString(2, "row " + id);
                        insert.setInt(3, id % 1000);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    for (int i = 0; i < 10; i++) {
                        update.setInt(1, random.nextInt(start + BATCH));
                        update.addBatch();
                    }
                    update.executeBatch();
                    c.commit();
                    pause(Duration.ofMillis(40));
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(n) FROM faults_db." + table)) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void produce(String topic) {
        Schema keySchema = SchemaBuilder.struct().name("event_key").field("id", Schema.INT64_SCHEMA).build();
        Schema valueSchema = SchemaBuilder.struct().name("event").field("id", Schema.INT64_SCHEMA)
                .field("payload", Schema.STRING_SCHEMA).field("n", Schema.INT32_SCHEMA).build();
        try (JsonEvents producer = new JsonEvents(stack.kafka().bootstrapServers())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (long id = 0; id < ROWS; id++) {
                Struct key = new Struct(keySchema).put("id", id);
                Struct value = new Struct(valueSchema).put("id", id).put("payload", "event " + id).put("n", (int) (id % 97));
                sent.add(producer.send(topic, (int) (id % 2), key, value));
                if (id % BATCH == 0) {
                    pause(Duration.ofMillis(40));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(); // a record the broker refused fails here, not as a missing row later
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("producing " + topic + " failed", e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
