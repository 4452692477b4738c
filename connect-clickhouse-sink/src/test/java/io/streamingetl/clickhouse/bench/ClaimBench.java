package io.streamingetl.clickhouse.bench;

import io.streamingetl.localstack.clickhouse.ClickHouseServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * bench/small-inserts.sh: what replay safety costs when inserts are small. The same 10-column rows
 * through the sink task in inserts of {@code rowsPerInsert} rows, (a) replay-safe (each insert
 * claims its range in the state table and reads the claims back first: an INSERT and a SELECT more
 * per insert) and (b) with dedup.enabled=false (the data insert only, at-least-once).
 */
public final class ClaimBench {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int perInsert = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Path.of("target", "bench-claims", "clickhouse");
        SinkBench.deleteTree(dir.getParent());
        Files.createDirectories(dir);
        ClickHouseServer server = ClickHouseServer.forTests(dir).start();
        try {
            for (String t : java.util.List.of("warm_safe", "warm_plain", "bench_safe", "bench_plain")) {
                server.query("CREATE TABLE " + t + SinkBench.DDL);
            }
            run(server, "warm_safe", rows / 4, perInsert, true);
            run(server, "warm_plain", rows / 4, perInsert, false);
            long plain = run(server, "bench_plain", rows, perInsert, false);
            long safe = run(server, "bench_safe", rows, perInsert, true);
            SinkBench.check(server, "bench_safe", rows);
            SinkBench.check(server, "bench_plain", rows);
            int inserts = (rows + perInsert - 1) / perInsert;
            System.out.printf("rows: %d (10 columns) in %d inserts of %d rows%n", rows, inserts, perInsert);
            System.out.printf("replay-safe (claim + read-back + insert): %.0f inserts/s, %.0f rows/s (%.2f s)%n",
                    inserts / (safe / 1e9), rows / (safe / 1e9), safe / 1e9);
            System.out.printf("dedup.enabled=false (insert only):        %.0f inserts/s, %.0f rows/s (%.2f s)%n",
                    inserts / (plain / 1e9), rows / (plain / 1e9), plain / 1e9);
            System.out.printf("RATIO %.2f%n", (rows / (safe / 1e9)) / (rows / (plain / 1e9)));
        } finally {
            server.stop();
        }
    }

    private static long run(ClickHouseServer server, String table, int rows, int perInsert, boolean replaySafe) {
        Map<String, String> props = SinkBench.sinkProps(table, Map.of("clickhouse.url", server.httpUrl(),
                "buffer.max.rows", Integer.toString(perInsert), "dedup.enabled", Boolean.toString(replaySafe)));
        return SinkBench.sink(props, rows)[0];
    }
}
