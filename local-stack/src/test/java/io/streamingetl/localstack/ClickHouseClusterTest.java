package io.streamingetl.localstack;

import io.streamingetl.localstack.clickhouse.ClickHouseCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real 2-shard cluster of ClickHouse processes: rows routed by cityHash64(id) through a
 * Distributed table land each key on one shard, FINAL through Distributed collapses versions, and
 * a shard killed with -9 comes back with its rows.
 */
class ClickHouseClusterTest {
    private static ClickHouseCluster cluster;

    @BeforeAll
    static void start() {
        Path dir = Path.of("target", "local-stack", "ClickHouseClusterTest").toAbsolutePath();
        StackHome.deleteRecursively(dir);
        cluster = ClickHouseCluster.forTests(dir, 2).start();
        cluster.onEveryNode("CREATE DATABASE d");
        cluster.onEveryNode("CREATE TABLE d.t_local (id UInt64, v UInt64, _version UInt64)"
                + " ENGINE = ReplacingMergeTree(_version) ORDER BY id");
        cluster.onEveryNode("CREATE TABLE d.t AS d.t_local ENGINE = Distributed(" + ClickHouseCluster.NAME
                + ", d, t_local, cityHash64(id))");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyVersionOfAKeyLandsOnOneShardAndSurvivesAKill() {
        for (int version = 1; version <= 2; version++) {
            cluster.shard(1).query("INSERT INTO d.t SELECT number, number * " + version + ", " + version
                    + " FROM numbers(1000) SETTINGS distributed_foreground_insert = 1");
        }
        String want = "1000\t999000\n"; // sum(v) of version 2
        assertEquals(want, cluster.shard(2).query("SELECT count(), sum(v) FROM d.t FINAL"), "FINAL through Distributed");
        long first = Long.parseLong(cluster.shard(1).query("SELECT count() FROM d.t_local FINAL").strip());
        long second = Long.parseLong(cluster.shard(2).query("SELECT count() FROM d.t_local FINAL").strip());
        assertTrue(first > 300 && second > 300, "both shards hold keys: " + first + " / " + second);
        assertEquals(1000, first + second, "each key on exactly one shard");
        assertEquals("0\n", cluster.shard(1).query("SELECT count() FROM d.t_local WHERE id IN"
                + " (SELECT id FROM remote('127.0.0.1:" + cluster.shard(2).tcpPort() + "', d.t_local))"), "no key on both");

        cluster.shard(2).kill();
        cluster.shard(2).start();
        assertEquals(want, cluster.shard(1).query("SELECT count(), sum(v) FROM d.t FINAL"), "after kill -9 of shard 2");
    }
}
