package io.streamingetl.it.bench;

import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.kafka.ConnectWorker;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.kafka.KafkaBroker;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.StackHome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/soak.sh: the local pipeline (MariaDB -> Debezium -> SMT -> sink -> ClickHouse) at a
 * sustained change rate for minutes. Prints the source's change rate (the baseline), the rate at
 * which changes land in ClickHouse, commit->visible latency p50/p99, the worker's heap high-water
 * mark and lost/duplicated rows, then {@code RATIO <landed rate / source rate>}.
 */
public final class SoakBench {
    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        var base = StackHome.tempDir("soak-");
        try (MariaDbServer db = MariaDbServer.forTests(base.resolve("mariadb")).start();
             ClickHouseServer ch = ClickHouseServer.forTests(base.resolve("clickhouse")).start();
             KafkaBroker kafka = KafkaBroker.forTests(base.resolve("kafka")).start();
             ConnectWorker connect = ConnectWorker.forTests(base.resolve("connect"), kafka.bootstrapServers(),
                     List.of(StackLayout.pluginPath()), Map.of()).start()) {
            db.execute("CREATE DATABASE soak_db", "CREATE TABLE soak_db.changes (id BIGINT PRIMARY KEY,"
                    + " payload VARCHAR(64) NOT NULL, n INT NOT NULL, marker BIGINT NOT NULL DEFAULT 0)");
            db.createCdcUser("debezium", "dbz");
            ch.query("CREATE DATABASE soak_db");
            ConnectorConfig source = ConnectorConfig.load("source/mariadb-source.json").named("soak-source")
                    .with("database.port", String.valueOf(db.port())).with("topic.prefix", "soak")
                    .with("database.include.list", "soak_db").with("table.include.list", "soak_db.changes")
                    .with("schema.history.internal.kafka.topic", "schema-changes.soak")
                    .with("schema.history.internal.kafka.bootstrap.servers", kafka.bootstrapServers());
            ConnectorConfig sink = ConnectorConfig.load("sink/clickhouse-sink.json").named("soak-sink")
                    .with("clickhouse.url", ch.httpUrl()).with("clickhouse.database", "soak_db")
                    .with("topics.regex", "soak\\.soak_db\\..*");
            connect.rest().putConnector(source.name(), source.config());
            connect.rest().putConnector(sink.name(), sink.config());
            connect.rest().awaitRunning(source.name(), 1, Duration.ofSeconds(120));
            connect.rest().awaitRunning(sink.name(), 1, Duration.ofSeconds(120));

            long workerPid = connect.process().pid();
            AtomicLong heapHighWater = new AtomicLong();
            Map<Long, Long> committedAt = new ConcurrentHashMap<>();
            Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
            long changes = 0;
            long start = System.nanoTime();
            long end = start + Duration.ofMinutes(minutes).toNanos();
            int batch = Math.max(1, rate / 20); // 20 transactions a second
            long nextId = 0;
            long marker = 0;
            long lastProbe = 0;
            try (Connection c = db.connect();
                 PreparedStatement probe = c.prepareStatement("UPDATE soak_db.changes SET marker = ? WHERE id = 0")) {
                c.setAutoCommit(false);
                long tick = System.nanoTime();
                while (System.nanoTime() < end) {
                    // Three quarters inserts, one quarter updates of earlier rows, as two multi-row
                    // statements (JDBC batches would be one round trip per row).
                    StringBuilder values = new StringBuilder("INSERT INTO soak_db.changes (id, payload, n) VALUES ");
                    for (int i = 0; i < batch * 3 / 4; i++, nextId++) {
                        values.append(i == 0 ? "" : ",").append('(').append(nextId).append(",'payload ")
                                .append(nextId).append("',").append(nextId % 1000).append(')');
                    }
                    StringBuilder ids = new StringBuilder();
                    for (int i = 0; i < batch / 4; i++) {
                        ids.append(i == 0 ? "" : ",").append((nextId * 7919 + i * 31L) % nextId);
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute(values.toString());
                        if (ids.length() > 0) {
                            s.execute("UPDATE soak_db.changes SET n = n + 1 WHERE id IN (" + ids + ")");
                        }
                    }
                    c.commit();
                    changes += batch * 3 / 4 + batch / 4;
                    if (System.nanoTime() - lastProbe > 1_000_000_000L && nextId > 0) {
                        probe.setLong(1, ++marker);
                        probe.executeUpdate();
                        c.commit();
                        committedAt.put(marker, System.nanoTime());
                        lastProbe = System.nanoTime();
                        pollMarker(ch, visibleAt);
                        heapHighWater.accumulateAndGet(heapUsed(workerPid), Math::max);
                    }
                    tick += 50_000_000L;
                    long sleep = (tick - System.nanoTime()) / 1_000_000L;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            }
            double sourceSeconds = (System.nanoTime() - start) / 1e9;
            long[] expected = sourceState(db);
            String[] found = {""};
            String want = expected[0] + "\t" + expected[1] + "\n";
            Wait.until("ClickHouse to catch up", Duration.ofMinutes(10), () -> {
                pollMarker(ch, visibleAt);
                found[0] = ch.query("SELECT count(), sum(n) FROM soak_db.changes FINAL WHERE _deleted = 0");
                pollMarker(ch, visibleAt);
                heapHighWater.accumulateAndGet(heapUsed(workerPid), Math::max);
                return found[0].equals(want);
            });
            double landedSeconds = (System.nanoTime() - start) / 1e9;
            long rowsInClickHouse = Long.parseLong(ch.query("SELECT count() FROM soak_db.changes FINAL").strip());
            List<Double> latencies = new ArrayList<>();
            committedAt.forEach((m, t) -> {
                Long v = visibleAt.get(m);
                if (v != null) {
                    latencies.add((v - t) / 1e6);
                }
            });
            Collections.sort(latencies);
            double sourceRate = changes / sourceSeconds;
            double landedRate = changes / landedSeconds;
            System.out.printf("duration %d min, target %d changes/s%n", minutes, rate);
            System.out.printf("source (baseline): %d changes in %.1f s = %.0f changes/s%n", changes, sourceSeconds, sourceRate);
            System.out.printf("landed in ClickHouse FINAL: all %d changes after %.1f s = %.0f changes/s%n", changes,
                    landedSeconds, landedRate);
            System.out.printf("commit->visible latency (%d probes): p50 %.0f ms, p99 %.0f ms%n", latencies.size(),
                    pct(latencies, 0.50), pct(latencies, 0.99));
            System.out.printf("worker heap high-water mark: %d MB%n", heapHighWater.get() / (1024 * 1024));
            System.out.printf("rows: source %d, ClickHouse %d, lost %d, duplicated %d%n", expected[0], rowsInClickHouse,
                    Math.max(0, expected[0] - rowsInClickHouse), Math.max(0, rowsInClickHouse - expected[0]));
            System.out.printf("RATIO %.2f%n", landedRate / sourceRate);
        }
    }

    private static void pollMarker(ClickHouseServer ch, Map<Long, Long> visibleAt) {
        long now = System.nanoTime();
        if (!"1".equals(ch.query("EXISTS TABLE soak_db.changes").strip())) {
            return;
        }
        for (String line : ch.query("SELECT DISTINCT marker FROM soak_db.changes WHERE id = 0").split("\n")) {
            if (!line.isBlank()) {
                visibleAt.putIfAbsent(Long.parseLong(line.strip()), now);
            }
        }
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
    }

    /** Used heap of the worker JVM in bytes, from jstat (eden + survivors + old). */
    private static long heapUsed(long pid) {
        try {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java").replaceAll("java$", "jstat"),
                    "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
            p.waitFor();
            String[] head = lines[0].trim().split("\\s+");
            String[] vals = lines[lines.length - 1].trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < head.length; i++) {
                if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                    kb += Double.parseDouble(vals[i]);
                }
            }
            return (long) (kb * 1024);
        } catch (Exception e) {
            return 0;
        }
    }

    private static long[] sourceState(MariaDbServer db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(n) FROM soak_db.changes")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
