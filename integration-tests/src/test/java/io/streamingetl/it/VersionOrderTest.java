package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code SELECT … FINAL} equals the source after the changes that break a version not built from
 * event-level binlog coordinates, through the real pipeline (MariaDB with MySQL-style event
 * positions, Debezium, the SMT, Kafka, the sink, ClickHouse):
 * a large statement followed at once by small transactions on the same rows; {@code kill -9} of
 * the worker while Debezium streams a large transaction whose offsets were flushed mid-way; a
 * seeded random workload with binlog rotations and a worker {@code kill -9} at a random step
 * (replay with {@code -Dversion.workload.seed=N}); an incremental snapshot while updates go on.
 */
class VersionOrderTest {
    private static final String DB = "vo_db";
    private static final String SOURCE = "vo-source";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT,
            Component.CLICKHOUSE);

    @BeforeAll
    static void pipeline() {
        stack.mariaDb().execute("CREATE DATABASE " + DB,
                "CREATE TABLE " + DB + ".dbz_signal (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL,"
                        + " data VARCHAR(2048) NULL)");
        for (String table : List.of("bulk", "twice", "rnd", "snap")) {
            stack.mariaDb().execute("CREATE TABLE " + DB + "." + table
                    + " (id INT PRIMARY KEY, email VARCHAR(64), n INT NOT NULL)");
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        // Debezium writes the incremental snapshot's window markers into the signal table.
        stack.mariaDb().execute("GRANT INSERT, UPDATE, DELETE ON " + DB + ".dbz_signal TO 'debezium'@'%'");
        assertEquals("1", scalar("SELECT @@GLOBAL.binlog_legacy_event_pos"), "MariaDB reports event-level positions, as MySQL");

        ConnectorConfig source = stack.sourceConfig(DB, "vo", 5601).named(SOURCE) // signals through DB.dbz_signal
                .with("table.include.list", DB + "\\..*")
                .with("incremental.snapshot.chunk.size", "400")
                .with("notification.enabled.channels", "sink")
                .with("notification.sink.topic.name", "vo.notifications");
        stack.connect().rest().putConnector(SOURCE, source.config());
        stack.clickHouse().query("CREATE DATABASE " + DB);
        ConnectorConfig sink = stack.sinkConfig(DB).named("vo-sink")
                .with("topics.regex", "vo\\." + DB + "\\.(bulk|twice|rnd|snap)")
                .with("errors.tolerance", "none");
        stack.connect().rest().putConnector("vo-sink", sink.config());
        stack.connect().rest().awaitRunning(SOURCE, 1, Duration.ofSeconds(90));
        stack.connect().rest().awaitRunning("vo-sink", 1, Duration.ofSeconds(90));
    }

    /** The case: 20,000 rows updated by one statement, then ten single-row updates at once. */
    @Test
    void largeStatementFollowedAtOnceBySmallTransactionsOnTheSameRows() throws SQLException {
        insertRows("bulk", 20_000);
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE " + DB + ".bulk SET email = 'bulk', n = n + 1");
            for (int id = 20_000; id > 19_990; id--) {
                s.execute("UPDATE " + DB + ".bulk SET email = 'single " + id + "', n = n + 1 WHERE id = " + id);
            }
            s.execute("UPDATE " + DB + ".bulk SET email = 'single again' WHERE id = 1");
        }
        awaitFinalEqualsSource("bulk");
    }

    /**
     * Two statements change the same 25,000 rows in one transaction; while Debezium streams it the
     * worker commits a source offset that lies inside the transaction (Debezium's "event"/"row"
     * counts), and the worker is killed right then. After the restart Debezium re-reads the
     * transaction from its start and skips what it sent: FINAL must hold the second statement's values.
     */
    @Test
    void workerKilledWhileStreamingALargeTransactionAfterAMidTransactionOffsetCommit() throws Exception {
        insertRows("twice", 25_000);
        awaitFinalEqualsSource("twice");
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<JsonNode> midTransaction = CompletableFuture.supplyAsync(() -> awaitMidTransactionOffset(stop));
        try {
            try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("UPDATE " + DB + ".twice SET n = n + 1, email = 'first'");
                s.execute("UPDATE " + DB + ".twice SET n = n * 2, email = 'second'");
                s.execute("UPDATE " + DB + ".twice SET email = 'third' WHERE id % 7 = 0");
                c.commit();
            }
            JsonNode offset = midTransaction.get(120, java.util.concurrent.TimeUnit.SECONDS);
            stack.connect().kill();
            System.out.println("worker killed after the mid-transaction source offset " + offset);
            assertTrue(offset.path("event").asLong() > 0 || offset.path("row").asLong() > 0, offset.toString());
        } finally {
            stop.set(true);
        }
        stack.connect().start();
        stack.connect().rest().awaitRunning(SOURCE, 1, Duration.ofSeconds(90));
        awaitFinalEqualsSource("twice");
    }

    /**
     * Random transactions of inserts, single- and multi-row updates and deletes (several statements
     * on the same rows in one transaction), {@code FLUSH BINARY LOGS} at random points, and one
     * {@code kill -9} of the worker at a random step while the workload goes on.
     */
    @Test
    void seededRandomWorkloadWithBinlogRotationsAndAWorkerKill() throws Exception {
        long seed = Long.getLong("version.workload.seed", System.nanoTime());
        System.out.println("VersionOrderTest random workload seed " + seed + " (replay: -Dversion.workload.seed=" + seed + ")");
        Random random = new Random(seed);
        int steps = 400;
        int killAt = steps / 4 + random.nextInt(steps / 2);
        int rotations = 0;
        CompletableFuture<Void> restart = null;
        int nextId = 1;
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int step = 0; step < steps; step++) {
                if (step == killAt) {
                    restart = CompletableFuture.runAsync(() -> {
                        stack.connect().kill();
                        stack.connect().start();
                    });
                }
                if (random.nextInt(25) == 0) {
                    s.execute("FLUSH BINARY LOGS");
                    rotations++;
                }
                int statements = 1 + random.nextInt(4);
                for (int i = 0; i < statements; i++) {
                    int id = 1 + random.nextInt(Math.max(1, nextId));
                    switch (random.nextInt(7)) {
                        case 0, 1 -> {
                            StringBuilder insert = new StringBuilder("INSERT INTO " + DB + ".rnd (id, email, n) VALUES ");
                            int rows = 1 + random.nextInt(random.nextBoolean() ? 3 : 60);
                            for (int r = 0; r < rows; r++) {
                                insert.append(r == 0 ? "" : ",").append("(").append(nextId).append(", 'new ")
                                        .append(step).append("', ").append(random.nextInt(1000)).append(")");
                                nextId++;
                            }
                            s.execute(insert.toString());
                        }
                        case 2 -> s.execute("UPDATE " + DB + ".rnd SET email = 'one " + step + "/" + i + "', n = n + 1"
                                + " WHERE id = " + id);
                        case 3 -> s.execute("UPDATE " + DB + ".rnd SET email = 'range " + step + "/" + i + "', n = n + 3"
                                + " WHERE id BETWEEN " + id + " AND " + (id + random.nextInt(200)));
                        case 4 -> s.execute("UPDATE " + DB + ".rnd SET n = (n * 3 + " + step + ") % 100000 WHERE id % "
                                + (2 + random.nextInt(9)) + " = " + random.nextInt(2));
                        case 5 -> s.execute("DELETE FROM " + DB + ".rnd WHERE id = " + id);
                        default -> s.execute("DELETE FROM " + DB + ".rnd WHERE id BETWEEN " + id + " AND "
                                + (id + random.nextInt(5)));
                    }
                }
                c.commit();
                if (random.nextInt(10) == 0) {
                    Thread.sleep(random.nextInt(300));
                }
            }
        }
        assertNotNull(restart, "the kill step was reached");
        restart.get(120, java.util.concurrent.TimeUnit.SECONDS);
        stack.connect().rest().awaitRunning(SOURCE, 1, Duration.ofSeconds(90));
        awaitFinalEqualsSource("rnd");
        long files = Long.parseLong(stack.clickHouse().query("SELECT uniqExact(bitShiftRight(_version, 33)) FROM " + DB + ".rnd").strip());
        System.out.println("random workload: " + steps + " transactions, " + rotations + " binlog rotations, "
                + files + " binlog files in _version, worker killed at step " + killAt);
        assertTrue(rotations >= 3 && files >= 3, rotations + " rotations, " + files + " files: the rotations reached ClickHouse");
    }

    /** An incremental snapshot (Debezium's signal table) of a table that is being updated meanwhile. */
    @Test
    void incrementalSnapshotWhileUpdatesContinue() throws Exception {
        insertRows("snap", 6_000);
        awaitFinalEqualsSource("snap");
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> updates = CompletableFuture.supplyAsync(() -> {
            Random random = new Random(7);
            int done = 0;
            try (Connection c = stack.mariaDb().connect();
                 PreparedStatement u = c.prepareStatement("UPDATE " + DB + ".snap SET n = n + 1, email = ? WHERE id = ?")) {
                while (!stop.get()) {
                    u.setString(1, "during snapshot " + done);
                    u.setInt(2, 1 + random.nextInt(6_000));
                    u.executeUpdate();
                    done++;
                    Thread.sleep(2);
                }
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return done;
        });
        try (TopicReader notifications = new TopicReader(stack.kafka().bootstrapServers(), "vo.notifications")) {
            stack.mariaDb().execute("INSERT INTO " + DB + ".dbz_signal (id, type, data) VALUES ('snap-1',"
                    + " 'execute-snapshot', '{\"data-collections\": [\"" + DB + ".snap\"], \"type\": \"incremental\"}')");
            notifications.readUntil(records -> records.stream().anyMatch(r -> r.value() != null
                    && text(r.value()).contains("Incremental Snapshot") && text(r.value()).contains("COMPLETED")),
                    Duration.ofMinutes(3));
        } finally {
            stop.set(true);
        }
        System.out.println("updates during the incremental snapshot: " + updates.get());
        awaitFinalEqualsSource("snap");
        long reads = Long.parseLong(stack.clickHouse().query("SELECT count() FROM " + DB + ".snap WHERE _op = 'r'").strip());
        assertTrue(reads > 3_000, "the snapshot's reads reached ClickHouse: " + reads);
    }

    // ------------------------------------------------------------------ helpers

    private static void insertRows(String table, int rows) throws SQLException {
        try (Connection c = stack.mariaDb().connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + DB + "." + table + " (id, email, n) VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int id = 1; id <= rows; id++) {
                insert.setInt(1, id);
                insert.setString(2, "row " + id);
                insert.setInt(3, id % 100);
                insert.addBatch();
                if (id % 2_000 == 0 || id == rows) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        }
    }

    private static void awaitFinalEqualsSource(String table) {
        FinalEqualsSource.await(stack.mariaDb(), stack.clickHouse(), DB, table);
    }

    /** Reads connect-offsets until a source offset of SOURCE lies inside a transaction. */
    private static JsonNode awaitMidTransactionOffset(AtomicBoolean stop) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("connect-offsets").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!stop.get() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    if (r.key() == null || r.value() == null || !text(r.key()).contains("\"" + SOURCE + "\"")) {
                        continue;
                    }
                    JsonNode offset = Json.parse(r.value());
                    if (offset.path("event").asLong() > 0 || offset.path("row").asLong() > 0) {
                        return offset;
                    }
                }
            }
            throw new AssertionError("no source offset inside the transaction was committed: the scenario did not happen");
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String scalar(String sql) {
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
