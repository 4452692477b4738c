package io.streamingetl.clickhouse;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.clickhouse.ClickHouseCluster;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task against a real 2-shard ClickHouse cluster (two processes, {@code local_cluster}): rows
 * go straight to the local table of the shard the Distributed table's cityHash64 picks, a replica
 * that does not answer fails over, a shard that is down holds back only what it owes, and nodes
 * whose tables differ are repaired or named.
 */
class ShardedSinkTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE).clickHouseCluster(2);

    private static final AtomicInteger NAMES = new AtomicInteger();

    private static ClickHouseCluster cluster() {
        return stack.clickHouseCluster();
    }

    private static ClickHouseServer node(int shard) {
        return cluster().shard(shard);
    }

    static Map<String, String> propsFor(String shards, String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "sharded-test-" + NAMES.incrementAndGet());
        p.put("cluster.shards", shards);
        p.put("cluster", ClickHouseCluster.NAME);
        p.put("cluster.ddl", "PER_NODE");
        p.put("cluster.replicated", "false");
        p.put("buffer.flush.interval.ms", "0");
        p.put("retry.backoff.ms", "20");
        p.put("retry.backoff.max.ms", "200");
        p.put("max.block.ms", "5000");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    static Map<String, String> props(String... kv) {
        return propsFor(node(1).httpUrl() + "," + node(2).httpUrl(), kv);
    }

    static Schema schema(String name) {
        return SchemaBuilder.struct().name(name)
                .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT64_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("_version", Schema.INT64_SCHEMA).field("_deleted", Schema.INT8_SCHEMA).build();
    }

    static final Schema KEY = SchemaBuilder.struct().name("key")
            .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT64_SCHEMA).build();

    static SinkRecord row(String topic, int partition, long offset, String region, long id, String name, long version) {
        Schema s = schema("row");
        return new SinkRecord(topic, partition, KEY, new Struct(KEY).put("region", region).put("id", id), s,
                new Struct(s).put("region", region).put("id", id).put("name", name).put("_version", version)
                        .put("_deleted", (byte) 0), offset);
    }

    /** Both nodes, as "node1|node2" of one query's result each. */
    static String onBoth(String sql) {
        return node(1).query(sql) + "|" + node(2).query(sql);
    }

    static long count(ClickHouseServer node, String sql) {
        return Long.parseLong(node.query(sql).strip());
    }

    @Test
    void rowsLandOnTheShardTheDistributedTableWouldPickAndFinalReadsThemAll() {
        String topic = "dbserver.sh1.person";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        long seed = Long.getLong("sharded.seed", System.nanoTime());
        System.out.println("ShardedSinkTest seed " + seed + " (replay: -Dsharded.seed=" + seed + ")");
        Random random = new Random(seed);
        String[] regions = {"eu", "us", "", "ünïcode", "a much longer region name that is over sixty-four bytes long, to hash"};
        try (TaskRun run = new TaskRun(props(), false, p0, p1)) {
            long[] offsets = new long[2];
            for (int version = 1; version <= 3; version++) {
                List<SinkRecord> batch = new ArrayList<>();
                for (int id = 1; id <= 1_000; id++) {
                    int partition = id % 2;
                    batch.add(row(topic, partition, offsets[partition]++, regions[id % regions.length],
                            random.nextLong(), "v" + version, version));
                }
                run.put(batch);
            }
            assertEquals(1_500, run.committed(p0));
            assertEquals(1_500, run.committed(p1));
        }
        // ids are random per version, so each version is 1,000 keys of its own: 3,000 in all.
        assertEquals("3000\n", node(2).query("SELECT count() FROM sh1.person FINAL"), "FINAL through Distributed");
        long first = count(node(1), "SELECT count() FROM sh1.person_local");
        long second = count(node(2), "SELECT count() FROM sh1.person_local");
        assertTrue(first > 1_000 && second > 1_000, "both shards hold rows: " + first + " / " + second);
        assertEquals(3_000, first + second);
        for (int shard = 1; shard <= 2; shard++) {
            assertEquals(0, count(node(shard), "SELECT count() FROM sh1.person_local WHERE cityHash64(region, id) % 2 != "
                    + (shard - 1)), "node " + shard + " holds only rows whose cityHash64(region, id) picks it");
        }
        String distributed = "Distributed(\\'local_cluster\\', \\'sh1\\', \\'person_local\\', cityHash64(region, id))\n";
        assertEquals(distributed + "|" + distributed, onBoth("SELECT engine_full FROM system.tables WHERE database = 'sh1'"
                + " AND name = 'person'"), "the Distributed table on both nodes");
        assertEquals("1\n|1\n", onBoth("SELECT count() FROM system.tables WHERE database = 'default' AND name = "
                + "'_clickhouse_sink_ranges'"), "each shard remembers the ranges of its own inserts");
    }

    /**
     * Shard 2 is killed: records keep coming, shard 1's rows go in, the partition whose rows are
     * all for shard 1 commits, the other holds its commit; after the restart everything is there
     * once (merges stopped, so a doubled insert would show).
     */
    @Test
    void aShardThatIsDownHoldsBackOnlyThePartitionsThatOweItRows() {
        String topic = "dbserver.sh2.person";
        TopicPartition onlyFirst = new TopicPartition(topic, 0);
        TopicPartition mixed = new TopicPartition(topic, 1);
        List<Long> euFirst = ids("cityHash64('eu', toInt64(number)) % 2 = 0");
        List<Long> usFirst = ids("cityHash64('us', toInt64(number)) % 2 = 0");
        List<Long> usSecond = ids("cityHash64('us', toInt64(number)) % 2 = 1");
        try (TaskRun run = new TaskRun(props(), false, onlyFirst, mixed)) {
            run.put(row(topic, 0, 0, "eu", euFirst.get(0), "x", 1), row(topic, 1, 0, "x", 1, "x", 1),
                    row(topic, 1, 1, "x", 2, "x", 1), row(topic, 1, 2, "x", 3, "x", 1));
            assertEquals(1, run.committed(onlyFirst));
            assertEquals(3, run.committed(mixed));
            stopMerges();
            node(2).kill();
            try {
                List<SinkRecord> batch = new ArrayList<>();
                for (int i = 1; i <= 200; i++) {
                    batch.add(row(topic, 0, i, "eu", euFirst.get(i), "while down", 2));
                    // The first record of the mixed partition is for shard 2, then they alternate.
                    batch.add(row(topic, 1, 2 + i, "us", i % 2 == 1 ? usSecond.get(i) : usFirst.get(i), "while down", 2));
                }
                run.put(batch); // no exception: shard 1 takes its rows
                assertEquals(201, run.committed(onlyFirst), "all its rows are on shard 1: committed");
                assertEquals(3, run.committed(mixed), "owes rows to shard 2: held back");
                assertEquals(300, count(node(1), "SELECT count() FROM sh2.person_local WHERE name = 'while down'"),
                        "shard 1 got its rows of both partitions while shard 2 was down");
            } finally {
                node(2).start();
                stopMerges();
            }
            io.streamingetl.localstack.Wait.until("the held partition commits once shard 2 is back",
                    java.time.Duration.ofSeconds(60), () -> {
                        run.put(List.of());
                        return run.committed(mixed) == 203;
                    });
            assertEquals(201, run.committed(onlyFirst));
        }
        assertEquals(404, count(node(1), "SELECT count() FROM sh2.person"), "every row once, none doubled");
        assertEquals(0, count(node(1), "SELECT count() - uniqExact(region, id, _version) FROM sh2.person"));
        assertEquals(100, count(node(2), "SELECT count() FROM sh2.person_local WHERE name = 'while down'"));
    }

    /**
     * Replicas need Replicated tables (validation refuses them with plain MergeTree); without Keeper
     * here, the test creates the tables (and the range state table) itself and the sink, told they
     * are replicated, only uses them.
     */
    @Test
    void aReplicaThatDoesNotAnswerFailsOverToTheNextOfItsShard() {
        for (int shard = 1; shard <= 2; shard++) {
            node(shard).query(new io.streamingetl.clickhouse.ddl.DdlBuilder("").createRangeTable(
                    new io.streamingetl.clickhouse.sql.TableId("default", "_clickhouse_sink_ranges")));
            node(shard).query("CREATE DATABASE IF NOT EXISTS sh3");
            node(shard).query("CREATE TABLE sh3.person_local (region String, id Int64, name Nullable(String),"
                    + " _version UInt64, _deleted UInt8) ENGINE = ReplacingMergeTree(_version, _deleted) ORDER BY (region, id)"
                    + " SETTINGS non_replicated_deduplication_window = 100");
            node(shard).query("CREATE TABLE sh3.person AS sh3.person_local ENGINE = Distributed(local_cluster, sh3,"
                    + " person_local, cityHash64(region, id))");
        }
        String topic = "dbserver.sh3.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        String dead = "http://127.0.0.1:" + Ports.free();
        try (TaskRun run = new TaskRun(propsFor(dead + "|" + node(1).httpUrl() + "," + node(2).httpUrl(),
                "cluster.replicated", "true"), false, tp)) {
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                batch.add(row(topic, 0, i, "us", i, "n" + i, 1));
            }
            run.put(batch);
            assertEquals(300, run.committed(tp));
        }
        assertEquals("300\n", node(1).query("SELECT count() FROM sh3.person FINAL"));
        assertTrue(count(node(1), "SELECT count() FROM sh3.person_local") > 100, "shard 1's rows went to its live replica");
    }

    @Test
    void aNodeMissingTheTableOrAColumnGetsItAndATypeConflictIsNamed() {
        String local = " (region String, id Int64, name Nullable(String), _version UInt64, _deleted UInt8)"
                + " ENGINE = ReplacingMergeTree(_version, _deleted) ORDER BY (region, id)"
                + " SETTINGS non_replicated_deduplication_window = 100";
        for (int shard = 1; shard <= 2; shard++) {
            node(shard).query("CREATE DATABASE IF NOT EXISTS sh4");
        }
        // Node 1 has everything; node 2 lacks the column name, and the Distributed table.
        node(1).query("CREATE TABLE sh4.person_local" + local);
        node(1).query("CREATE TABLE sh4.person AS sh4.person_local ENGINE = Distributed(local_cluster, sh4, person_local,"
                + " cityHash64(region, id))");
        node(2).query("CREATE TABLE sh4.person_local" + local.replace(" name Nullable(String),", ""));
        String topic = "dbserver.sh4.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (TaskRun run = new TaskRun(props(), false, tp)) {
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(row(topic, 0, i, "eu", i, "n" + i, 1));
            }
            run.put(batch);
            assertEquals(100, run.committed(tp));
        }
        assertEquals("100\t100\n", node(2).query("SELECT count(), countIf(name != '') FROM sh4.person FINAL"));
        assertEquals(node(1).query("SELECT name, type FROM system.columns WHERE database = 'sh4' AND table = 'person_local'"),
                node(2).query("SELECT name, type FROM system.columns WHERE database = 'sh4' AND table = 'person_local'"));

        node(1).query("CREATE TABLE sh4.other_local" + local);
        node(2).query("CREATE TABLE sh4.other_local" + local.replace("name Nullable(String)", "name Nullable(Int32)"));
        TopicPartition other = new TopicPartition("dbserver.sh4.other", 0);
        try (TaskRun run = new TaskRun(props(), false, other)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> run.put(row("dbserver.sh4.other", 0, 0, "eu", 1, "n", 1)));
            assertTrue(e.getMessage().contains("column name of sh4.other_local is Nullable(String) on "
                    + node(1).httpUrl() + " but Nullable(Int32) on " + node(2).httpUrl()), e.getMessage());
        }
    }

    @Test
    void aNewFieldReachesTheLocalAndDistributedTablesOfEveryNode() {
        String topic = "dbserver.sh5.person";
        TopicPartition tp = new TopicPartition(topic, 0);
        Schema wider = SchemaBuilder.struct().name("row2")
                .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT64_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .field("_version", Schema.INT64_SCHEMA).field("_deleted", Schema.INT8_SCHEMA).build();
        try (TaskRun run = new TaskRun(props(), false, tp)) {
            run.put(row(topic, 0, 0, "eu", 1, "a", 1), row(topic, 0, 1, "eu", 2, "b", 1));
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(new SinkRecord(topic, 0, KEY, new Struct(KEY).put("region", "eu").put("id", (long) i), wider,
                        new Struct(wider).put("region", "eu").put("id", (long) i).put("name", "n").put("note", "note " + i)
                                .put("_version", 2L).put("_deleted", (byte) 0), 2 + i));
            }
            run.put(batch);
            assertEquals(52, run.committed(tp));
        }
        assertEquals("1\n|1\n", onBoth("SELECT count() FROM system.columns WHERE database = 'sh5' AND table = 'person_local'"
                + " AND name = 'note'"));
        assertEquals("1\n|1\n", onBoth("SELECT count() FROM system.columns WHERE database = 'sh5' AND table = 'person'"
                + " AND name = 'note'"));
        assertEquals("50\n", node(2).query("SELECT count() FROM sh5.person FINAL WHERE note LIKE 'note %'"));
    }

    /** Ids (as Int64 numbers 0..9999) that satisfy {@code condition} on the server. */
    static List<Long> ids(String condition) {
        return Arrays.stream(node(1).query("SELECT number FROM numbers(10000) WHERE " + condition).split("\n"))
                .filter(s -> !s.isBlank()).map(Long::parseLong).toList();
    }

    static void stopMerges() {
        node(1).query("SYSTEM STOP MERGES");
        node(2).query("SYSTEM STOP MERGES");
    }
}
