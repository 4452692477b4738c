package io.streamingetl.it;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import io.streamingetl.localstack.kafka.ConnectRest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a newcomer does: {@code ./deploy.sh --local} on a fresh state (with a 2-shard ClickHouse
 * cluster, {@code --clickhouse-shards=2}), changes in MariaDB, the same rows in ClickHouse and
 * through the cluster's Distributed tables, then {@code ./terminate.sh}. Ports are free ones passed through the
 * documented environment variables, so the test never collides with a stack a developer runs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalDeployEndToEndTest {
    private static final Map<String, String> ENV = new LinkedHashMap<>();
    private static Path home;

    /** Per table: comparable text of every column, in MariaDB and in ClickHouse (FINAL, not deleted). */
    private static final Map<String, String[]> QUERIES = Map.of(
            "person", new String[] {
                "SELECT id, first_name, last_name, email, DATE_FORMAT(birth_date, '%Y-%m-%d'),"
                        + " DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f')"
                        + " FROM streaming_etl_db.person ORDER BY id",
                "SELECT id, first_name, last_name, email, toString(birth_date),"
                        + " formatDateTime(created_at, '%Y-%m-%d %H:%i:%s.%f'), formatDateTime(updated_at, '%Y-%m-%d %H:%i:%s.%f')"
                        + " FROM streaming_etl_db.person FINAL WHERE _deleted = 0 ORDER BY id"},
            "address", new String[] {
                "SELECT id, person_id, street, city, postal_code, country,"
                        + " DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM streaming_etl_db.address ORDER BY id",
                "SELECT id, person_id, street, city, postal_code, country,"
                        + " formatDateTime(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM streaming_etl_db.address FINAL"
                        + " WHERE _deleted = 0 ORDER BY id"},
            "geo", new String[] {
                "SELECT id, address_id, CAST(latitude AS CHAR), CAST(longitude AS CHAR),"
                        + " DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM streaming_etl_db.geo ORDER BY id",
                "SELECT id, address_id, toDecimalString(latitude, 6), toDecimalString(longitude, 6),"
                        + " formatDateTime(updated_at, '%Y-%m-%d %H:%i:%s.%f') FROM streaming_etl_db.geo FINAL"
                        + " WHERE _deleted = 0 ORDER BY id"},
            // The stream join and aggregate (the enrichment app through the sink) against the reference views.
            "person_enriched", new String[] {
                "SELECT address_id, person_id, first_name, last_name, email, DATE_FORMAT(birth_date, '%Y-%m-%d'), street,"
                        + " city, postal_code, country, geo_id, CAST(latitude AS CHAR), CAST(longitude AS CHAR)"
                        + " FROM streaming_etl_db.person_enriched ORDER BY address_id",
                "SELECT address_id, person_id, first_name, last_name, email, toString(birth_date), street, city,"
                        + " postal_code, country, geo_id, toDecimalString(latitude, 6), toDecimalString(longitude, 6)"
                        + " FROM streaming_etl_db.person_enriched FINAL WHERE _deleted = 0 ORDER BY address_id"},
            "people_per_city", new String[] {
                "SELECT city, people FROM streaming_etl_db.people_per_city ORDER BY city COLLATE utf8mb4_bin",
                "SELECT city, people FROM streaming_etl_db.people_per_city FINAL WHERE _deleted = 0 ORDER BY city"});

    @BeforeAll
    static void deploy() throws Exception {
        home = Path.of("target", "local-stack", "LocalDeployEndToEndTest").toAbsolutePath();
        StackHome.deleteRecursively(home); // a fresh state, as on a new machine
        Files.createDirectories(home);
        ENV.put("STREAMINGETL_HOME", home.resolve("home").toString());
        String out = null;
        for (int attempt = 1; out == null; attempt++) {
            for (String variable : List.of("MARIADB_PORT", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "CONNECT_PORT",
                    "CLICKHOUSE_HTTP_PORT", "CLICKHOUSE_TCP_PORT")) {
                ENV.put(variable, String.valueOf(Ports.free()));
            }
            ENV.put("CLICKHOUSE_SHARDS_HTTP_PORT", String.valueOf(freePair()));
            ENV.put("CLICKHOUSE_SHARDS_TCP_PORT", String.valueOf(freePair()));
            try {
                // The reactor built the archives and jars before this module: no nested Maven run.
                out = run("deploy", "./deploy.sh", "--local", "--no-build", "--clickhouse-shards=2");
            } catch (AssertionError e) {
                // Another process on the machine took a port between Ports.free() and the bind
                // (seen in CI): stop what started and deploy again on fresh ports.
                if (attempt == 3 || !e.getMessage().contains("already in use")) {
                    throw e;
                }
                run("terminate", "./terminate.sh");
            }
        }
        assertTrue(out.contains("snapshot in ClickHouse"), out);
        assertTrue(out.contains("clickhouse-sink") && out.contains("RUNNING"), out);
        assertTrue(out.contains("clickhouse-sink-sharded") && out.contains("ClickHouse shard 2 (local_cluster)"), out);
        assertTrue(out.matches("(?s).*Pipeline console +http://127\\.0\\.0\\.1:\\d+/console +\\d+ +UP\n.*"),
                "the console is served by the worker: " + out);
    }

    /** A port p with p + 1 free too (the cluster's shards take consecutive ports). */
    private static int freePair() {
        for (int attempt = 0; ; attempt++) {
            int p = Ports.free();
            if ((p < 65535 && !Ports.isListening(p + 1)) || attempt > 50) {
                return p;
            }
        }
    }

    @AfterAll
    static void terminate() throws Exception {
        if (home == null) {
            return;
        }
        List<Long> pids = recordedPids();
        String out = run("terminate", "./terminate.sh");
        assertTrue(out.contains("Stopped."), out);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        }
        for (String variable : List.of("MARIADB_PORT", "KAFKA_PORT", "CONNECT_PORT", "CLICKHOUSE_HTTP_PORT",
                "CLICKHOUSE_TCP_PORT", "CLICKHOUSE_SHARDS_HTTP_PORT", "CLICKHOUSE_SHARDS_TCP_PORT")) {
            int port = Integer.parseInt(ENV.get(variable));
            assertFalse(Ports.isListening(port), variable + " " + port + " is still held after terminate.sh");
        }
        assertEquals("", run("terminate-again", "./terminate.sh").replace("Stopped.", "").replaceAll("(?m)^.*not running$", "").strip(),
                "a second terminate.sh is harmless");
    }

    @Test
    @Order(1)
    void changesInMariaDbArriveInClickHouseRowForRow() throws Exception {
        ClickHouseServer clickHouse = deployedClickHouse();
        try (Connection db = sourceDatabase()) {
            assertEqualEventually(db, clickHouse, "after the snapshot");
            try (Statement s = db.createStatement()) {
                // Inserts and a multi-row transaction.
                db.setAutoCommit(false);
                for (int i = 0; i < 50; i++) {
                    int id = 1000 + i;
                    s.execute("INSERT INTO person (id, first_name, last_name, email) VALUES (" + id + ", 'P" + i
                            + "', 'L" + i + "', " + (i % 3 == 0 ? "NULL" : "'p" + i + "@example.com'") + ")");
                    s.execute("INSERT INTO address (id, person_id, street, city, country) VALUES (" + id + ", " + id
                            + ", 'Street " + i + "', 'City " + (i % 7) + "', 'DE')");
                    s.execute("INSERT INTO geo (id, address_id, latitude, longitude) VALUES (" + id + ", " + id
                            + ", " + (10 + i / 10.0) + ", " + (-20 - i / 100.0) + ")");
                }
                db.commit();
                // Many updates of one row in one transaction: only the last must show.
                for (int i = 0; i < 25; i++) {
                    s.execute("UPDATE person SET last_name = 'Many" + i + "' WHERE id = 1000");
                }
                db.commit();
                // A primary-key update (Debezium: delete of the old key, create of the new).
                s.execute("UPDATE geo SET id = 5000 WHERE id = 1001");
                db.commit();
                // Deletes, children first (no cascades: they would not reach the binlog).
                s.execute("DELETE FROM geo WHERE address_id IN (1002, 1003)");
                s.execute("DELETE FROM address WHERE id IN (1002, 1003)");
                s.execute("DELETE FROM person WHERE id IN (1002, 1003)");
                db.commit();
                s.execute("UPDATE address SET city = 'Moved', person_id = 1004 WHERE id = 1005");
                s.execute("UPDATE person SET email = NULL, birth_date = '2000-02-29' WHERE id = 2");
                db.commit();
                // Delete and re-insert the same key.
                s.execute("DELETE FROM geo WHERE id = 1010");
                db.commit();
                s.execute("INSERT INTO geo (id, address_id, latitude, longitude) VALUES (1010, 1010, 1.5, 2.5)");
                db.commit();
                db.setAutoCommit(true);
            }
            assertEqualEventually(db, clickHouse, "after the workload");
            // The second CDC sink wrote the same changes to the shards' local tables.
            ClickHouseServer shard1 = new ClickHouseServer(home, Integer.parseInt(ENV.get("CLICKHOUSE_SHARDS_HTTP_PORT")),
                    Integer.parseInt(ENV.get("CLICKHOUSE_SHARDS_TCP_PORT")), Lifetime.DETACHED, null);
            assertEqualEventually(db, shard1, "through the 2-shard cluster", List.of("person", "address", "geo"));
            measureLatency(db, clickHouse);
        }
    }

    /**
     * What a user does next: ./deploy.sh again while everything runs: nothing restarts, and a
     * connector change made through REST stays.
     */
    @Test
    @Order(2)
    void redeployWhileRunningChangesNothing() throws Exception {
        ConnectRest rest = new ConnectRest("http://127.0.0.1:" + ENV.get("CONNECT_PORT"));
        var config = rest.get("/connectors/clickhouse-sink/config").requireSuccess("read the sink config").body();
        Map<String, String> changed = new LinkedHashMap<>();
        config.fields().forEachRemaining(e -> changed.put(e.getKey(), e.getValue().asText()));
        changed.put("buffer.flush.interval.ms", "1500");
        rest.putConnector("clickhouse-sink", changed);

        long t0 = System.nanoTime();
        String again = run("deploy-again", "./deploy.sh", "--local", "--no-build");
        System.out.printf("second deploy while everything runs: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (String component : List.of("mariadb", "clickhouse", "kafka", "connect", "enrichment")) {
            assertTrue(again.matches("(?s).*\\b" + component + " +already running \\(pid \\d+\\).*"), component + ":\n" + again);
        }
        assertTrue(again.contains("connector clickhouse-sink kept as it runs"), again);
        assertEquals("1500", rest.get("/connectors/clickhouse-sink/config").body().path("buffer.flush.interval.ms").asText(),
                "a change made through REST survives a redeploy");

    }

    /**
     * kill -9 of each component in turn while a seeded random workload writes to MariaDB, then
     * ./deploy.sh: what was killed comes back, the workload goes on, and every CDC table and the
     * stream join equal the source again (checked after each kill, so a later update cannot hide
     * a lost one). Replay a run with -Ddeploy.seed=N.
     */
    @Test
    @Order(3)
    void killNineMidWorkloadThenDeployRecoversEachComponent() throws Exception {
        long seed = Long.getLong("deploy.seed", System.nanoTime());
        System.out.println("kill schedule seed: " + seed + " (replay with -Ddeploy.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> components = new ArrayList<>(List.of("mariadb", "kafka", "connect", "clickhouse", "enrichment"));
        Collections.shuffle(components, random);
        ClickHouseServer clickHouse = deployedClickHouse();
        try (Workload workload = new Workload(random.nextLong())) {
            for (String component : components) {
                Thread.sleep(1000 + random.nextInt(3000)); // the workload runs
                killNine(component);
                Thread.sleep(random.nextInt(2000)); // and runs on (or fails, for MariaDB) with the component gone
                long t0 = System.nanoTime();
                String out = run("deploy-after-kill-" + component, "./deploy.sh", "--local", "--no-build");
                System.out.printf("deploy after kill -9 of %s mid-workload: %.1f s (%d transactions so far)%n",
                        component, (System.nanoTime() - t0) / 1e9, workload.committed());
                assertTrue(out.matches("(?s).*\\b" + component + " +up in.*"), component + ":\n" + out);
                Thread.sleep(1000 + random.nextInt(2000));
                try (var paused = workload.pause(); Connection db = sourceDatabase()) {
                    assertEqualEventually(db, clickHouse, "after kill -9 of " + component + " mid-workload");
                }
            }
            System.out.printf("workload: %d transactions committed, %d failed while MariaDB was down%n",
                    workload.committed(), workload.failed());
            assertTrue(workload.committed() > 50, "the workload ran");
        }
    }

    /**
     * Random single- and multi-row transactions on the three tables (ids from 100000 for its own
     * rows), reconnecting when MariaDB is gone; a failed commit's outcome is unknown, which does not
     * matter: ClickHouse is compared with what MariaDB has.
     */
    private static final class Workload implements AutoCloseable {
        private final Random random;
        private final ReentrantLock turn = new ReentrantLock(true);
        private final AtomicLong committed = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final List<Integer> ids = new ArrayList<>(List.of(1, 2, 3, 4, 5));
        private final Thread thread;
        private volatile boolean stop;
        private int next = 100_000;

        Workload(long seed) {
            random = new Random(seed);
            thread = new Thread(this::loop, "workload");
            thread.setDaemon(true);
            thread.start();
        }

        long committed() { return committed.get(); }

        long failed() { return failed.get(); }

        /** Holds the workload between transactions until the returned handle is closed. */
        AutoCloseable pause() {
            turn.lock();
            return turn::unlock;
        }

        private void loop() {
            Connection db = null;
            while (!stop) {
                turn.lock();
                try {
                    if (db == null) {
                        db = sourceDatabase();
                        db.setAutoCommit(false);
                    }
                    transaction(db);
                    db.commit();
                    committed.incrementAndGet();
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    closeQuietly(db);
                    db = null;
                } finally {
                    turn.unlock();
                }
                sleep(db == null ? 200 : 10 + random.nextInt(30));
            }
            closeQuietly(db);
        }

        private void transaction(Connection db) throws SQLException {
            try (Statement s = db.createStatement()) {
                int id = ids.get(random.nextInt(ids.size()));
                switch (random.nextInt(6)) {
                    case 0 -> s.execute("UPDATE person SET last_name = 'w" + random.nextInt(1000) + "' WHERE id = " + id);
                    case 1 -> s.execute("UPDATE address SET city = 'City " + random.nextInt(5) + "' WHERE id = " + id);
                    case 2 -> s.execute("UPDATE geo SET latitude = " + (random.nextInt(180_000_000) - 90_000_000) / 1e6
                            + " WHERE address_id = " + id);
                    case 3 -> {
                        int n = next++;
                        ids.add(n);
                        s.execute("INSERT INTO person (id, first_name, last_name) VALUES (" + n + ", 'W', 'w" + n + "')");
                        s.execute("INSERT INTO address (id, person_id, street, city, country) VALUES (" + n + ", " + n
                                + ", 'Street " + n + "', 'City " + random.nextInt(5) + "', 'FR')");
                        s.execute("INSERT INTO geo (id, address_id, latitude, longitude) VALUES (" + n + ", " + n
                                + ", 1.5, " + random.nextInt(90) + ")");
                    }
                    case 4 -> {
                        if (id >= 100_000) {
                            ids.remove(Integer.valueOf(id));
                            s.execute("DELETE FROM geo WHERE address_id = " + id);
                            s.execute("DELETE FROM address WHERE id = " + id);
                            s.execute("DELETE FROM person WHERE id = " + id);
                        }
                    }
                    default -> s.execute("UPDATE person SET email = 'm" + random.nextInt(100) + "@example.com' WHERE id >= "
                            + id + " ORDER BY id LIMIT 20");
                }
            }
        }

        private static void closeQuietly(Connection db) {
            try {
                if (db != null) {
                    db.close();
                }
            } catch (SQLException ignored) {
                // the server is gone; nothing to release
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(30_000);
        }
    }

    /** SIGKILL of a component that deploy.sh started, and wait until it is gone. */
    private static void killNine(String component) throws IOException {
        long pid = Long.parseLong(Files.readString(home.resolve("home/run/" + component + ".pid")).strip().split("\\s+")[0]);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Wait.until(component + " (pid " + pid + ") gone", Duration.ofSeconds(30),
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /**
     * A table created later is captured (the source takes the whole database) and the sink follows
     * it; the documented snapshot command re-reads a table's existing rows; Kafka's own tools answer.
     */
    @Test
    @Order(4)
    void aNewTableArrivesWithItsRowsAndTheKafkaToolsWork() throws Exception {
        ClickHouseServer clickHouse = deployedClickHouse();
        try (Connection db = sourceDatabase(); Statement s = db.createStatement()) {
            s.execute("CREATE TABLE inventory (sku VARCHAR(20) PRIMARY KEY, qty INT NOT NULL)");
            for (int i = 0; i < 30; i++) {
                s.execute("INSERT INTO inventory VALUES ('sku-" + i + "', " + i + ")");
            }
        }
        Wait.until("inventory in ClickHouse", Duration.ofSeconds(90), () ->
                "1".equals(clickHouse.query("EXISTS TABLE streaming_etl_db.inventory").strip())
                        && "30\t435\n".equals(clickHouse.query("SELECT count(), sum(qty) FROM streaming_etl_db.inventory FINAL WHERE _deleted = 0")));
        String snapshot = run("snapshot-table", "scripts/snapshot-table.sh", "inventory");
        assertTrue(snapshot.contains("Incremental snapshot requested"), snapshot);
        Wait.until("the snapshot's reads of inventory in ClickHouse", Duration.ofSeconds(90), () ->
                "30\n".equals(clickHouse.query("SELECT uniqExact(sku) FROM streaming_etl_db.inventory WHERE _op = 'r'")));
        assertEquals("0\n", clickHouse.query("EXISTS TABLE streaming_etl_db.dbz_signal"), "the signal table stays out");

        String topics = run("kafka-topics", "scripts/kafka.sh", "topics", "--list");
        assertTrue(topics.contains("dbserver.streaming_etl_db.inventory") && topics.contains("dbserver.streaming_etl_db.person"), topics);
        String groups = run("kafka-consumer-groups", "scripts/kafka.sh", "consumer-groups", "--describe", "--group",
                "connect-clickhouse-sink");
        assertTrue(groups.contains("dbserver.streaming_etl_db.person") && groups.contains("LAG"), groups);
    }

    /** A handle on the ClickHouse that deploy.sh started (queries only; it is not ours to stop). */
    private static ClickHouseServer deployedClickHouse() {
        return new ClickHouseServer(home, Integer.parseInt(ENV.get("CLICKHOUSE_HTTP_PORT")),
                Integer.parseInt(ENV.get("CLICKHOUSE_TCP_PORT")), Lifetime.DETACHED, null);
    }

    /** The source database as the demo user. */
    private static Connection sourceDatabase() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ENV.get("MARIADB_PORT") + "/streaming_etl_db",
                "streaming_etl", "streaming_etl");
    }

    /** Commit -> visible in ClickHouse, for single-row updates spread over a few seconds. */
    private static void measureLatency(Connection db, ClickHouseServer clickHouse) throws Exception {
        int n = 40;
        Map<String, Long> committed = new HashMap<>();
        Map<String, Long> visible = new HashMap<>();
        try (Statement s = db.createStatement()) {
            for (int i = 0; i < n; i++) {
                String marker = "lat-" + i;
                s.execute("UPDATE person SET first_name = '" + marker + "' WHERE id = " + (1010 + i));
                committed.put(marker, System.nanoTime());
                pollVisible(clickHouse, visible);
                Thread.sleep(75);
            }
        }
        Wait.until("all latency markers in ClickHouse", Duration.ofSeconds(60), () -> {
            pollVisible(clickHouse, visible);
            return visible.keySet().containsAll(committed.keySet());
        });
        List<Double> millis = new ArrayList<>();
        committed.forEach((marker, t) -> millis.add((visible.get(marker) - t) / 1e6));
        Collections.sort(millis);
        System.out.printf("commit->visible latency over %d updates: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", n,
                millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
                millis.get(millis.size() - 1));
    }

    private static void pollVisible(ClickHouseServer clickHouse, Map<String, Long> visible) {
        long now = System.nanoTime();
        for (String line : clickHouse.query("SELECT DISTINCT first_name FROM streaming_etl_db.person"
                + " WHERE startsWith(first_name, 'lat-')").split("\n")) {
            if (!line.isBlank()) {
                visible.putIfAbsent(line.strip(), now);
            }
        }
    }

    private static void assertEqualEventually(Connection db, ClickHouseServer clickHouse, String when) {
        assertEqualEventually(db, clickHouse, when, QUERIES.keySet());
    }

    private static void assertEqualEventually(Connection db, ClickHouseServer clickHouse, String when,
                                              java.util.Collection<String> tables) {
        // Per table, the rows as text: expected from MariaDB, actual from ClickHouse.
        Map<String, String> equal = AwaitEqual.until("ClickHouse = MariaDB " + when, Duration.ofSeconds(90),
                () -> rows(tables, q -> SourceDatabase.tsv(db, q[0])),
                // TSVRaw: values as they are (TabSeparated would print James's as James\'s).
                () -> rows(tables, q -> clickHouse.query(q[1] + " FORMAT TSVRaw")));
        for (String table : tables) {
            System.out.printf("%s %s: %d rows equal column for column%n", when, table,
                    equal.get(table).lines().count());
        }
    }

    private static Map<String, String> rows(java.util.Collection<String> tables,
                                            java.util.function.Function<String[], String> read) {
        Map<String, String> rows = new java.util.TreeMap<>();
        for (String table : tables) {
            rows.put(table, read.apply(QUERIES.get(table)));
        }
        return rows;
    }

    private static List<Long> recordedPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        Path run = home.resolve("home/run");
        if (Files.isDirectory(run)) {
            try (var files = Files.list(run)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    pids.add(Long.parseLong(Files.readString(f).strip().split("\\s+")[0])); // "pid start-millis"
                }
            }
        }
        return pids;
    }

    private static String run(String name, String... command) throws Exception {
        RepoCommand r = RepoCommand.run(home, ENV, name, command);
        assertEquals(0, r.exit(), String.join(" ", command) + " failed:\n" + r.out());
        return r.out();
    }
}
