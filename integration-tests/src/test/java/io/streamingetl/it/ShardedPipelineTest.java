package io.streamingetl.it;

import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.AwaitEqual;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CDC pipeline into a real 2-shard ClickHouse cluster (MariaDB with MySQL-style positions,
 * Debezium, the SMT, Kafka, the sink writing each row to its shard's local table): {@code FINAL}
 * through the Distributed table equals the source, each key lives on exactly one shard, a shard
 * killed with -9 mid-stream and restarted loses and doubles nothing (merges stopped, so a doubled
 * insert would show), and a new source column reaches every node. Replay with
 * {@code -Dsharded.workload.seed=N}.
 */
class ShardedPipelineTest {
    private static final String DB = "sp_db";
    private static final String SOURCE = "sp-source";

    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.MARIADB, Component.CONNECT)
            .clickHouseCluster(2);

    private static ClickHouseServer node(int shard) {
        return stack.clickHouseCluster().shard(shard);
    }

    @BeforeAll
    static void pipeline() {
        stack.mariaDb().execute("CREATE DATABASE " + DB);
        for (String table : new String[] {"rnd", "evo"}) {
            stack.mariaDb().execute("CREATE TABLE " + DB + "." + table + " (id INT PRIMARY KEY, email VARCHAR(64), n INT NOT NULL)");
        }
        stack.mariaDb().createCdcUser("debezium", "dbz");
        ConnectorConfig source = stack.sourceConfig(DB, "sp", 5701).named(SOURCE)
                .with("table.include.list", DB + "\\..*");
        stack.connect().rest().putConnector(SOURCE, source.config());
        stack.clickHouseCluster().onEveryNode("CREATE DATABASE " + DB);
        ConnectorConfig sink = stack.clusterSinkConfig(DB).named("sp-sink")
                .with("retry.backoff.max.ms", "1000")
                .with("topics.regex", "sp\\." + DB + "\\.(rnd|evo.*)")
                .with("errors.tolerance", "none");
        stack.connect().rest().putConnector("sp-sink", sink.config());
        stack.connect().rest().awaitRunning(SOURCE, 1, Duration.ofSeconds(90));
        stack.connect().rest().awaitRunning("sp-sink", 1, Duration.ofSeconds(90));
        stopMerges();
        // The sink reads a partition's remembered ranges from every shard when it is assigned: a
        // first row makes the workload's topic exist and assigned before a shard goes down.
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO " + DB + ".rnd (id, email, n) VALUES (0, 'first', 0)");
        awaitFinalEqualsSource("rnd");
    }

    @Test
    void seededWorkloadWithAShardKilledMidStream() throws Exception {
        long seed = Long.getLong("sharded.workload.seed", System.nanoTime());
        System.out.println("ShardedPipelineTest seed " + seed + " (replay: -Dsharded.workload.seed=" + seed + ")");
        Random random = new Random(seed);
        int steps = 300;
        int killAt = steps / 4 + random.nextInt(steps / 2);
        int victim = 1 + random.nextInt(2);
        boolean down = false;
        int nextId = 1;
        try (Connection c = stack.mariaDb().connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int step = 0; step < steps; step++) {
                if (step == killAt) {
                    node(victim).kill();
                    down = true;
                    System.out.println("shard " + victim + " killed with -9 at step " + step);
                }
                if (down && sinkFoundShardDown(victim)) {
                    // Only once the sink has met the dead shard: before that the kill proved nothing.
                    restart(victim, step);
                    down = false;
                }
                int statements = 1 + random.nextInt(4);
                for (int i = 0; i < statements; i++) {
                    int id = 1 + random.nextInt(Math.max(1, nextId));
                    switch (random.nextInt(6)) {
                        case 0, 1 -> {
                            StringBuilder insert = new StringBuilder("INSERT INTO " + DB + ".rnd (id, email, n) VALUES ");
                            int rows = 1 + random.nextInt(random.nextBoolean() ? 3 : 60);
                            for (int r = 0; r < rows; r++) {
                                insert.append(r == 0 ? "" : ",").append("(").append(nextId++).append(", 'new ")
                                        .append(step).append("', ").append(random.nextInt(1000)).append(")");
                            }
                            s.execute(insert.toString());
                        }
                        case 2 -> s.execute("UPDATE " + DB + ".rnd SET email = 'one " + step + "/" + i + "', n = n + 1"
                                + " WHERE id = " + id);
                        case 3 -> s.execute("UPDATE " + DB + ".rnd SET email = 'range " + step + "/" + i + "', n = n + 3"
                                + " WHERE id BETWEEN " + id + " AND " + (id + random.nextInt(200)));
                        case 4 -> s.execute("DELETE FROM " + DB + ".rnd WHERE id = " + id);
                        default -> s.execute("UPDATE " + DB + ".rnd SET n = (n * 3 + " + step + ") % 100000 WHERE id % "
                                + (2 + random.nextInt(9)) + " = " + random.nextInt(2));
                    }
                }
                c.commit();
                if (random.nextInt(8) == 0 || down) {
                    Thread.sleep(random.nextInt(down ? 50 : 200));
                }
            }
        }
        if (down) {
            Wait.until("the sink meets the dead shard " + victim, Duration.ofSeconds(60), () -> sinkFoundShardDown(victim));
            restart(victim, steps);
        }
        awaitFinalEqualsSource("rnd");
        long first = count(node(1), "SELECT count() FROM " + DB + ".rnd_local");
        long second = count(node(2), "SELECT count() FROM " + DB + ".rnd_local");
        System.out.println("rows (all versions) per shard: " + first + " / " + second);
        assertTrue(first > 0 && second > 0, "both shards hold rows: " + first + " / " + second);
        assertEquals(0, count(node(1), "SELECT count() FROM " + DB + ".rnd_local WHERE id IN (SELECT id FROM remote('127.0.0.1:"
                + node(2).tcpPort() + "', " + DB + ".rnd_local))"), "no key on both shards");
        assertEquals(0, count(node(1), "SELECT count() - uniqExact(id, _version) FROM " + DB + ".rnd"),
                "no row version written twice");
    }

    @Test
    void newColumnsAndSchemaChangesReachEveryNode() throws Exception {
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO " + DB + ".evo (id, email, n) VALUES (1, 'a', 1), (2, 'b', 2)");
        awaitFinalEqualsSource("evo");
        SourceDatabase.transaction(stack.mariaDb(), "ALTER TABLE " + DB + ".evo ADD COLUMN note VARCHAR(32)");
        StringBuilder insert = new StringBuilder("INSERT INTO " + DB + ".evo (id, email, n, note) VALUES ");
        for (int id = 3; id <= 60; id++) {
            insert.append(id == 3 ? "" : ",").append("(").append(id).append(", 'e', ").append(id).append(", 'note ")
                    .append(id).append("')");
        }
        SourceDatabase.transaction(stack.mariaDb(), insert.toString(), "UPDATE " + DB + ".evo SET note = 'later' WHERE id = 1");
        awaitFinalEqualsSource("evo");
        for (int shard = 1; shard <= 2; shard++) {
            for (String table : new String[] {"evo_local", "evo"}) {
                assertEquals("Nullable(String)\n", node(shard).query("SELECT type FROM system.columns WHERE database = '"
                        + DB + "' AND table = '" + table + "' AND name = 'note'"), "note in " + table + " on shard " + shard);
            }
        }
        assertEquals("58\n", node(2).query("SELECT count() FROM " + DB + ".evo FINAL WHERE note LIKE 'note %'"));
        assertEquals("later\n", node(2).query("SELECT note FROM " + DB + ".evo FINAL WHERE id = 1"));

        // Schema-change markers reach every shard's local table and each node's Distributed table.
        SourceDatabase.transaction(stack.mariaDb(), "ALTER TABLE " + DB + ".evo ADD COLUMN c INT NOT NULL DEFAULT 7",
                "ALTER TABLE " + DB + ".evo RENAME COLUMN note TO remark");
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO " + DB + ".evo (id, email, n, remark, c) VALUES (61, 'f', 61, 'r', 8)");
        AwaitEqual.until("evo: the added column's default and the renamed column's data on both shards",
                Duration.ofSeconds(90), () -> "60\t7\t58\n", () -> node(2).query("SELECT countIf(c = 7), min(c),"
                        + " countIf(remark LIKE 'note %') FROM " + DB + ".evo FINAL"));
        for (int shard = 1; shard <= 2; shard++) {
            for (String table : new String[] {"evo_local", "evo"}) {
                assertEquals("c\tInt32\nremark\tNullable(String)\n", node(shard).query("SELECT name, type FROM system.columns"
                        + " WHERE database = '" + DB + "' AND table = '" + table + "' AND name IN ('c', 'remark', 'note')"
                        + " ORDER BY name"), table + " on shard " + shard);
            }
        }
        SourceDatabase.transaction(stack.mariaDb(), "TRUNCATE TABLE " + DB + ".evo");
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO " + DB + ".evo (id, email, n) VALUES (100, 'after', 1), (101, 'after', 2)");
        SourceDatabase.transaction(stack.mariaDb(), "RENAME TABLE " + DB + ".evo TO " + DB + ".evo_renamed");
        SourceDatabase.transaction(stack.mariaDb(), "INSERT INTO " + DB + ".evo_renamed (id, email, n) VALUES (102, 'renamed', 3)");
        AwaitEqual.until("evo_renamed: the rows after the TRUNCATE, under the new name, through both nodes",
                Duration.ofSeconds(90), () -> "100\n101\n102\n100\n101\n102\n", () -> node(1).query("SELECT id FROM " + DB
                        + ".evo_renamed FINAL WHERE _deleted = 0 ORDER BY id") + node(2).query("SELECT id FROM " + DB
                        + ".evo_renamed FINAL WHERE _deleted = 0 ORDER BY id"));
        for (int shard = 1; shard <= 2; shard++) {
            assertEquals("0\n", node(shard).query("EXISTS TABLE " + DB + ".evo"), "the old name is gone on shard " + shard);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void restart(int shard, int step) {
        node(shard).start();
        stopMerges();
        System.out.println("shard " + shard + " restarted at step " + step + ", after the sink found it down");
    }

    /** The worker's log has the sink's line for a shard it could not write to. */
    private static boolean sinkFoundShardDown(int shard) {
        try {
            return java.nio.file.Files.readString(stack.baseDir().resolve("connect.log"))
                    .contains("shard " + shard + " (" + node(shard).httpUrl() + ") is unavailable");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void stopMerges() {
        node(1).query("SYSTEM STOP MERGES");
        node(2).query("SYSTEM STOP MERGES");
    }

    private static long count(ClickHouseServer node, String sql) {
        return Long.parseLong(node.query(sql).strip());
    }

    /** Through shard 1's Distributed table: FINAL over both shards. */
    private static void awaitFinalEqualsSource(String table) {
        FinalEqualsSource.await(stack.mariaDb(), node(1), DB, table);
    }
}
