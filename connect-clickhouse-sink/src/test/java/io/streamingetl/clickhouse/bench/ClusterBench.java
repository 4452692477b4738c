package io.streamingetl.clickhouse.bench;

import io.streamingetl.localstack.clickhouse.ClickHouseCluster;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * bench/cluster.sh: the sink task writing the same rows (SinkBench's 10 columns, inserts of
 * 100,000 rows) (a) into one ClickHouse server and (b) into a 2-shard cluster of two servers,
 * each row to the local table of the shard cityHash64(id) picks. Both servers share this
 * machine's cores with each other and with the task, so (b) shows the cost of routing and of
 * twice the inserts, not the gain of a second machine.
 */
public final class ClusterBench {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        Path dir = Path.of("target", "bench-cluster").toAbsolutePath();
        SinkBench.deleteTree(dir);
        Files.createDirectories(dir);
        ClickHouseServer single = ClickHouseServer.forTests(dir.resolve("single")).start();
        ClickHouseCluster cluster = ClickHouseCluster.forTests(dir.resolve("cluster"), 2).start();
        try {
            Map<String, String> one = Map.of("clickhouse.url", single.httpUrl(), "table.order.by", "id");
            Map<String, String> two = new HashMap<>(cluster.sinkOptions());
            two.put("table.order.by", "id");
            SinkBench.sink(SinkBench.sinkProps("warm", one), 200_000);
            SinkBench.sink(SinkBench.sinkProps("warm", two), 200_000);
            long oneNanos = SinkBench.sink(SinkBench.sinkProps("bench", one), rows)[0];
            long twoNanos = SinkBench.sink(SinkBench.sinkProps("bench", two), rows)[0];
            SinkBench.check(single, "bench", rows);
            SinkBench.check(cluster.shard(1), "bench", rows); // through the Distributed table: both shards
            long first = Long.parseLong(cluster.shard(1).query("SELECT count() FROM bench_local").strip());
            double oneRate = rows / (oneNanos / 1e9);
            double twoRate = rows / (twoNanos / 1e9);
            System.out.printf("rows: %d (10 columns), inserts of up to %d rows per table and shard%n", rows, SinkBench.BATCH);
            System.out.printf("one server:                %.0f rows/s (%.2f s)%n", oneRate, oneNanos / 1e9);
            System.out.printf("2 shards (same machine):   %.0f rows/s (%.2f s), %d / %d rows per shard%n", twoRate,
                    twoNanos / 1e9, first, rows - first);
            System.out.printf("RATIO %.2f%n", twoRate / oneRate);
        } finally {
            single.stop();
            cluster.close();
        }
    }
}
