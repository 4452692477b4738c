package io.streamingetl.it;

import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectWorker;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connect's distributed engine under faults: three workers in one group, the shipped source
 * (exactly-once source support) and CDC sink at tasks.max=3, and a 12-partition append-only topic
 * into its own sink at tasks.max=3, with ClickHouse merges off so a row written twice stays
 * visible. While a seeded workload writes, a seeded schedule kills a worker with -9, freezes one
 * with SIGSTOP past the group's session timeout and thaws it (a zombie that still holds buffers),
 * stops one gracefully, and kills ClickHouse. Afterwards: FINAL equals MariaDB, no (id, _version)
 * twice in the raw CDC tables, every event exactly once, no task FAILED. Replay with
 * {@code -Dworkers.seed=N}; longer with {@code -Dworkers.faults=N}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiWorkerFaultsTest {
    private static final long SEED = Long.getLong("workers.seed", System.currentTimeMillis());
    private static final int FAULTS = Integer.getInteger("workers.faults", 4);
    private static final String DB = "mw_db";
    private static final List<String> TABLES = List.of("a", "b", "c", "d");
    private static final String EVENTS = "mw_events";
    private static final int PARTITIONS = 12;
    /** Every worker runs the console extension, and with it the restarter of failed tasks. */
    private static final String EXTENSION = "io.streamingetl.console.ConsoleRestExtension";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
                    Component.CLICKHOUSE)
            // No merges and no merging within an insert: a change written twice stays two rows.
            .clickHouseConfig("<merge_tree><max_bytes_to_merge_at_max_space_in_pool>1</max_bytes_to_merge_at_max_space_in_pool>"
                            + "<max_bytes_to_merge_at_min_space_in_pool>1</max_bytes_to_merge_at_min_space_in_pool>"
                            // Unmerged parts pile up: let them, instead of delaying inserts.
                            + "<parts_to_delay_insert>100000</parts_to_delay_insert><parts_to_throw_insert>100000</parts_to_throw_insert>"
                            + "</merge_tree>",
                    "<profiles><default><optimize_on_insert>0</optimize_on_insert></default></profiles><quotas><default/></quotas>"
                            + "<users><default><password></password><networks><ip>::/0</ip></networks><profile>default</profile>"
                            + "<quota>default</quota></default></users>")
            .workerConfig("rest.extension.classes", EXTENSION);

    private static final List<ConnectWorker> workers = new ArrayList<>();

    @BeforeAll
    static void threeWorkers() throws Exception {
        workers.add(stack.connect());
        for (int i = 2; i <= 3; i++) {
            workers.add(ConnectWorker.forTests(stack.baseDir().resolve("connect-" + i), stack.kafka().bootstrapServers(),
                    List.of(StackLayout.pluginPath()), Map.of("rest.extension.classes", EXTENSION)).start());
        }
        stack.mariaDb().execute("CREATE DATABASE " + DB);
        for (String t : TABLES) {
            stack.mariaDb().execute("CREATE TABLE " + DB + "." + t + " (id INT PRIMARY KEY, n INT NOT NULL, s VARCHAR(20))");
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        stack.clickHouse().query("CREATE DATABASE " + DB);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(EVENTS, PARTITIONS, (short) 1))).all().get();
        }
        ConnectorConfig source = stack.sourceConfig(DB, "mw", 6101).named("mw-source")
                .without("signal.data.collection");
        ConnectorConfig sink = stack.sinkConfig(DB).named("mw-sink").with("tasks.max", "3")
                .with("topics.regex", "mw\\." + DB + "\\..*")
                .with("errors.tolerance", "none");
        ConnectorConfig events = stack.sinkConfig(DB).named("mw-events-sink").with("tasks.max", "3")
                .without("topics.regex").with("topics", EVENTS).with("table.name.template", "events")
                .with("errors.tolerance", "none");
        for (ConnectorConfig c : List.of(source, sink, events)) {
            rest().putConnector(c.name(), c.config());
        }
        rest().awaitAllTasksRunning("mw-source", Duration.ofSeconds(120), 0);
        rest().awaitAllTasksRunning("mw-sink", Duration.ofSeconds(120), 0);
        rest().awaitAllTasksRunning("mw-events-sink", Duration.ofSeconds(120), 0);
    }

    @AfterAll
    static void stopExtraWorkers() {
        for (ConnectWorker w : workers.subList(1, workers.size())) {
            w.close();
        }
    }

    /** The REST API of a worker that is up (any of them serves the whole group). */
    private static io.streamingetl.localstack.kafka.ConnectRest rest() {
        for (ConnectWorker w : workers) {
            if (w.isRunning() && w.rest().isReady()) {
                return w.rest();
            }
        }
        throw new IllegalStateException("no Connect worker answers");
    }

    /**
     * Seeds 1796308201393 and 1796310422970 doubled changes and events before the sink claimed its
     * ranges (a task woken from SIGSTOP wrote its own cuts over the new owner's); longer schedules:
     * {@code bench/multiworker-faults.sh [seed] [faults]}.
     */
    @Test
    @Order(1)
    void eachChangeOnceThroughKillsFreezesAndRebalances() throws Exception {
        System.out.println("MultiWorkerFaultsTest seed " + SEED + ", " + FAULTS + " faults (replay: -Dworkers.seed=" + SEED + ")");
        Random random = new Random(SEED);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong eventsSent = new AtomicLong();
        Thread cdc = new Thread(() -> writeSource(new Random(SEED + 1), writing), "mw-cdc-load");
        Thread producer = new Thread(() -> produceEvents(EVENTS, PARTITIONS, writing, eventsSent), "mw-event-load");
        cdc.start();
        producer.start();
        Map<String, Integer> faults = new LinkedHashMap<>();
        List<String> failovers = new ArrayList<>();
        try {
            Thread.sleep(5_000);
            for (int f = 0; f < FAULTS; f++) {
                // Each kind once in the first four, then at random.
                int kind = f < 4 ? f : random.nextInt(4);
                int victim = random.nextInt(workers.size());
                ConnectWorker w = workers.get(victim);
                long t0 = System.nanoTime();
                switch (kind) {
                    case 0 -> {
                        faults.merge("worker kill -9", 1, Integer::sum);
                        w.kill();
                        awaitTasksRunningWithout(w);
                        failovers.add(String.format("kill -9 worker %d: tasks running elsewhere after %.1f s", victim + 1,
                                (System.nanoTime() - t0) / 1e9));
                        w.start();
                    }
                    case 1 -> {
                        faults.merge("worker SIGSTOP past the session timeout", 1, Integer::sum);
                        signal(w, "STOP");
                        awaitTasksRunningWithout(w);
                        failovers.add(String.format("SIGSTOP worker %d: tasks running elsewhere after %.1f s", victim + 1,
                                (System.nanoTime() - t0) / 1e9));
                        Thread.sleep(2_000 + random.nextInt(3_000)); // the others write; then the zombie wakes
                        signal(w, "CONT");
                    }
                    case 2 -> {
                        faults.merge("worker stopped and started", 1, Integer::sum);
                        w.stop();
                        w.start();
                    }
                    default -> {
                        faults.merge("ClickHouse kill -9", 1, Integer::sum);
                        stack.clickHouse().kill();
                        Thread.sleep(1_000 + random.nextInt(5_000));
                        stack.clickHouse().start();
                    }
                }
                Thread.sleep(2_000 + random.nextInt(3_000));
            }
        } finally {
            writing.set(false);
            cdc.join();
            producer.join();
        }
        System.out.println("faults: " + faults);
        failovers.forEach(System.out::println);
        restarterLines().forEach(l -> System.out.println("restarter: " + l));

        for (String t : TABLES) {
            FinalEqualsSourceColumns.await(t);
        }
        long sent = eventsSent.get();
        Wait.until("all " + sent + " events in ClickHouse", Duration.ofMinutes(3),
                () -> count("SELECT uniqExact(id) FROM " + DB + ".events") >= sent);
        for (String name : List.of("mw-source", "mw-sink", "mw-events-sink")) {
            rest().awaitAllTasksRunning(name, Duration.ofSeconds(120), 0);
        }
        long rows = count("SELECT count() FROM " + DB + ".events");
        System.out.printf("events: sent %d, rows %d, distinct %d%n", sent, rows,
                count("SELECT uniqExact(id) FROM " + DB + ".events"));
        assertEquals(sent, rows, "every event exactly once (seed " + SEED + ")");
        for (String t : TABLES) {
            long doubled = count("SELECT count() FROM (SELECT id, _version FROM " + DB + "." + t
                    + " GROUP BY id, _version HAVING count() > 1)");
            assertEquals(0, doubled, t + ": changes written twice into the raw table (seed " + SEED + ")");
        }
        assertTrue(faults.size() >= Math.min(FAULTS, 4), "every kind of fault ran: " + faults);
    }

    /**
     * Connect leaves a failed task failed. A sink whose table is missing (auto.create=false) fails;
     * once the table exists, the worker that ran the task restarts it, and only that worker.
     */
    @Test
    @Order(2)
    void aFailedTaskIsRestartedByTheWorkerThatRanIt() throws Exception {
        String topic = "rt_events";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        AtomicLong sent = new AtomicLong();
        produceEvents(topic, 1, new AtomicBoolean(false), sent); // one batch
        ConnectorConfig sink = stack.sinkConfig(DB).named("rt-sink").without("topics.regex").with("topics", topic)
                .with("table.name.template", "rt_events").with("auto.create", "false").with("errors.tolerance", "none");
        rest().putConnector(sink.name(), sink.config());
        Wait.until("rt-sink-0 FAILED on the missing table", Duration.ofSeconds(60), () -> {
            var task = rest().status("rt-sink").body().path("tasks").path(0);
            return "FAILED".equals(task.path("state").asText()) && task.path("trace").asText().contains("rt_events");
        });
        stack.clickHouse().query("CREATE TABLE " + DB + ".rt_events (id Int64, payload String) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 1000");
        Wait.until("the restarted task writes all " + sent.get() + " events", Duration.ofSeconds(90),
                () -> count("SELECT count() FROM " + DB + ".rt_events") == sent.get());
        assertEquals("RUNNING", rest().status("rt-sink").body().path("tasks").path(0).path("state").asText());
        List<String> restarts = restarterLines().stream().filter(l -> l.contains("Restarting rt-sink-0 ")).toList();
        assertTrue(restarts.size() >= 1, "the failed task was restarted: " + restarterLines());
        // At once, and (if that came before the table) again after 30 s; always by the worker running it.
        assertTrue(restarts.size() <= 2, "restarted with a pause between: " + restarts);
        assertEquals(1, restarts.stream().map(l -> l.substring(0, l.indexOf(':'))).distinct().count(),
                "one worker restarts it: " + restarts);
    }

    /** What the workers' failed-task restarters logged. */
    private static List<String> restarterLines() {
        List<String> lines = new ArrayList<>();
        for (String log : List.of("connect.log", "connect-2.log", "connect-3.log")) {
            try {
                Files.readAllLines(stack.baseDir().resolve(log)).stream()
                        .filter(l -> l.contains("FailedTaskRestarter") && l.contains("Restarting "))
                        .forEach(l -> lines.add(log + ": " + l));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /** Waits until every task of the three connectors runs on a worker other than {@code gone}. */
    private static void awaitTasksRunningWithout(ConnectWorker gone) {
        String port = gone.restUrl().substring(gone.restUrl().lastIndexOf(':'));
        Wait.until("every task RUNNING on a worker other than " + gone.restUrl(), Duration.ofSeconds(90), () -> {
            for (String name : List.of("mw-source", "mw-sink", "mw-events-sink")) {
                var status = otherThan(gone).status(name);
                if (status.status() != 200) {
                    return false;
                }
                for (var task : status.body().path("tasks")) {
                    if (!"RUNNING".equals(task.path("state").asText()) || task.path("worker_id").asText().endsWith(port)) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    private static io.streamingetl.localstack.kafka.ConnectRest otherThan(ConnectWorker gone) {
        for (ConnectWorker w : workers) {
            if (w != gone && w.isRunning()) {
                return w.rest();
            }
        }
        throw new IllegalStateException("no other worker");
    }

    private static void signal(ConnectWorker w, String signal) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, String.valueOf(w.process().pid())).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + signal);
    }

    private static long count(String sql) {
        return Long.parseLong(stack.clickHouse().query(sql).strip());
    }

    /** Single- and multi-row transactions on the four tables until told to stop. */
    private static void writeSource(Random random, AtomicBoolean writing) {
        int[] next = new int[TABLES.size()];
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            while (writing.get()) {
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    int t = random.nextInt(TABLES.size());
                    String table = DB + "." + TABLES.get(t);
                    switch (random.nextInt(5)) {
                        case 0, 1 -> {
                            StringBuilder insert = new StringBuilder("INSERT INTO " + table + " VALUES ");
                            for (int r = 1 + random.nextInt(20); r > 0; r--) {
                                insert.append(insert.charAt(insert.length() - 1) == ' ' ? "" : ", ")
                                        .append('(').append(next[t]++).append(", ").append(random.nextInt(1000))
                                        .append(", 's").append(random.nextInt(100)).append("')");
                            }
                            s.execute(insert.toString());
                        }
                        case 2, 3 -> s.execute("UPDATE " + table + " SET n = n + 1, s = 'u" + random.nextInt(100)
                                + "' WHERE id % 17 = " + random.nextInt(17));
                        default -> s.execute("DELETE FROM " + table + " WHERE id % 53 = " + random.nextInt(53)
                                + " LIMIT 2");
                    }
                }
                c.commit();
                Thread.sleep(20);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Batches of 100 events with unique ids over the topic's partitions, about 2,000 a second, until
     * told to stop; at least one batch.
     */
    private static void produceEvents(String topic, int partitions, AtomicBoolean writing, AtomicLong sent) {
        Schema keySchema = SchemaBuilder.struct().name("mw_event_key").field("id", Schema.INT64_SCHEMA).build();
        Schema valueSchema = SchemaBuilder.struct().name("mw_event").field("id", Schema.INT64_SCHEMA)
                .field("payload", Schema.STRING_SCHEMA).build();
        try (JsonEvents producer = new JsonEvents(stack.kafka().bootstrapServers())) {
            long id = 0;
            do {
                List<Future<RecordMetadata>> batch = new ArrayList<>();
                for (int i = 0; i < 100; i++, id++) {
                    Struct key = new Struct(keySchema).put("id", id);
                    Struct value = new Struct(valueSchema).put("id", id).put("payload", "e" + id);
                    batch.add(producer.send(topic, (int) (id % partitions), key, value));
                }
                for (Future<RecordMetadata> f : batch) {
                    f.get(); // acknowledged: counted as sent
                }
                sent.set(id);
                Thread.sleep(50);
            } while (writing.get());
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CDC table (id, n, s) in MariaDB equals ClickHouse FINAL without soft deletes. */
    private static final class FinalEqualsSourceColumns {
        static void await(String table) {
            io.streamingetl.localstack.junit.AwaitEqual.until(table + ": ClickHouse FINAL equals MariaDB (seed " + SEED + ")",
                    Duration.ofMinutes(3), () -> {
                        try (Connection c = stack.mariaDb().connect()) {
                            return SourceDatabase.tsv(c, "SELECT id, n, s FROM " + DB + "." + table + " ORDER BY id");
                        }
                    }, () -> stack.clickHouse().query("SELECT id, n, s FROM " + DB + "." + table
                            + " FINAL WHERE _deleted = 0 ORDER BY id FORMAT TSVRaw"));
        }
    }
}
