package io.streamingetl.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.kafka.ConnectWorker;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.kafka.KafkaBroker;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.registry.RegistryServer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/soak.sh: the local pipeline (MariaDB -> Debezium -> SMT -> sink -> ClickHouse) at a
 * sustained change rate. Prints the source's change rate (the baseline), the rate at which the
 * changes land, commit->visible latency, where a change spends its time (hop by hop, for probe
 * changes), each process's share of the CPU, the worker's GC pauses, inserts per minute and
 * lost/duplicated rows, then {@code RATIO <landed rate / source rate>}.
 *
 * <pre>
 * bench/soak.sh [minutes=5] [changes_per_second=10000] [--profile] [--avro]
 * bench/soak.sh --step [minutes_per_step=1] [first_rate=5000] [--avro]   # the knee
 * bench/soak.sh 2 2000 --tables=200   # many tables: the rate spread over 199 more tables
 * </pre>
 * System properties {@code soak.source.X} and {@code soak.sink.X} override connector options X.
 */
public final class SoakBench {
    private static final String TOPIC = "soak.soak_db.changes";
    private static final long PROBE_EVERY_MS = 200;

    private final MariaDbServer db;
    private final ClickHouseServer ch;
    /** Tables besides soak_db.changes (--tables N: N - 1 of them, t_1 ...), each written once a second. */
    private final int extraTables;
    private final Map<Long, Hops.Probe> probes = new ConcurrentHashMap<>();
    private final AtomicLong visibleMax = new AtomicLong(-1);
    private long nextId;
    private long marker;

    private SoakBench(MariaDbServer db, ClickHouseServer ch, int tables) {
        this.db = db;
        this.ch = ch;
        this.extraTables = tables - 1;
    }

    /** What one load phase gave. */
    private record Phase(int targetRate, long changes, double sourceRate, long startMs, long endMs, List<Hops.Probe> probes) {
        long p99() {
            return Hops.pct(latencies(), 0.99);
        }

        long p50() {
            return Hops.pct(latencies(), 0.50);
        }

        /** commit->visible of every probe, sorted; one never seen counts as endless. */
        private List<Long> latencies() {
            List<Long> lat = new ArrayList<>();
            for (Hops.Probe p : probes) {
                lat.add(p.visibleMs < 0 ? Long.MAX_VALUE / 4 : p.visibleMs - p.commitMs);
            }
            Collections.sort(lat);
            return lat;
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        boolean step = false;
        boolean profile = false;
        boolean avro = false;
        int tables = 1;
        for (String a : args) {
            switch (a) {
                case "--step" -> step = true;
                case "--profile" -> profile = true;
                case "--avro" -> avro = true;
                default -> {
                    if (a.startsWith("--tables=")) {
                        tables = Integer.parseInt(a.substring("--tables=".length()));
                    } else {
                        positional.add(a);
                    }
                }
            }
        }
        double minutes = positional.size() > 0 ? Double.parseDouble(positional.get(0)) : step ? 1 : 5;
        int rate = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : step ? 5_000 : 10_000;
        Path base = StackHome.tempDir("soak-");
        try (MariaDbServer db = MariaDbServer.forTests(base.resolve("mariadb")).start();
             ClickHouseServer ch = ClickHouseServer.forTests(base.resolve("clickhouse")).start();
             KafkaBroker kafka = KafkaBroker.forTests(base.resolve("kafka")).start();
             RegistryServer registry = avro ? RegistryServer.forTests(base.resolve("registry")).start() : null;
             ConnectWorker connect = ConnectWorker.forTests(base.resolve("connect"), kafka.bootstrapServers(),
                     List.of(StackLayout.pluginPath()), Map.of()).start()) {
            SoakBench bench = new SoakBench(db, ch, tables);
            bench.connectors(connect, kafka, registry);
            ProcessCpu cpu = new ProcessCpu().add("MariaDB", db.process().pid()).add("Kafka", kafka.process().pid())
                    .add("Connect worker", connect.process().pid()).add("ClickHouse", ch.process().pid())
                    .addAlone("load generator", ProcessHandle.current().pid());
            if (registry != null) {
                cpu.add("registry", registry.process().pid());
            }
            WorkerRecording jfr = new WorkerRecording(connect.process().pid(), base.resolve("worker.jfr"), profile);
            AtomicBoolean running = new AtomicBoolean(true);
            Thread poller = bench.visibilityPoller(running);
            Thread reader = avro ? null : bench.probeReader(kafka.bootstrapServers(), running);
            System.out.printf("mode %s; sink %s%n", avro ? "Avro (registry)" : "JSON with schemas", sinkOverrides());
            if (step) {
                bench.findKnee(minutes, rate, cpu);
            } else {
                cpu.start();
                jfr.start();
                Phase phase = bench.load(rate, Duration.ofMillis((long) (minutes * 60_000)));
                double landedSeconds = bench.awaitAllLanded(phase);
                running.set(false);
                poller.join();
                if (reader != null) {
                    reader.join();
                }
                bench.report(phase, landedSeconds, cpu, jfr, connect.process().logFile(), avro);
            }
            running.set(false);
        }
    }

    private void connectors(ConnectWorker connect, KafkaBroker kafka, RegistryServer registry) throws Exception {
        db.execute("CREATE DATABASE soak_db", "CREATE TABLE soak_db.changes (id BIGINT PRIMARY KEY,"
                + " payload VARCHAR(64) NOT NULL, n INT NOT NULL, marker BIGINT NOT NULL DEFAULT 0)",
                "INSERT INTO soak_db.changes (id, payload, n) VALUES (0, 'probe', 0)");
        for (int t = 1; t <= extraTables; t++) {
            // A row each, so the snapshot creates every topic and table before the clock starts.
            db.execute("CREATE TABLE soak_db.t_" + t + " (id BIGINT PRIMARY KEY, payload VARCHAR(64) NOT NULL,"
                    + " n INT NOT NULL)", "INSERT INTO soak_db.t_" + t + " VALUES (0, 'first', 0)");
        }
        nextId = 1;
        db.createCdcUser("debezium", "dbz");
        ch.query("CREATE DATABASE soak_db");
        ConnectorConfig source = ConnectorConfig.load("source/mariadb-source.json").named("soak-source")
                .with("database.port", String.valueOf(db.port())).with("topic.prefix", "soak")
                .with("database.include.list", "soak_db").with("table.include.list", "soak_db\\..*")
                .with("schema.history.internal.kafka.topic", "schema-changes.soak")
                .with("schema.history.internal.kafka.bootstrap.servers", kafka.bootstrapServers());
        ConnectorConfig sink = ConnectorConfig.load("sink/clickhouse-sink.json").named("soak-sink")
                .with("clickhouse.url", ch.httpUrl()).with("clickhouse.database", "soak_db")
                .with("topics.regex", "soak\\.soak_db\\..*");
        if (registry != null) {
            for (Map.Entry<String, String> e : registry.avroConverterConfig().entrySet()) {
                source = source.with(e.getKey(), e.getValue());
                sink = sink.with(e.getKey(), e.getValue());
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("soak.source.")) {
                source = source.with(name.substring("soak.source.".length()), System.getProperty(name));
            } else if (name.startsWith("soak.sink.")) {
                sink = sink.with(name.substring("soak.sink.".length()), System.getProperty(name));
            }
        }
        connect.rest().put("/admin/loggers/io.streamingetl.clickhouse.timeline", Map.of("level", "DEBUG"))
                .requireSuccess("turn on the sink's timeline log");
        connect.rest().putConnector(source.name(), source.config());
        connect.rest().putConnector(sink.name(), sink.config());
        connect.rest().awaitRunning(source.name(), 1, Duration.ofSeconds(120));
        connect.rest().awaitRunning(sink.name(), 1, Duration.ofSeconds(120));
        // Warm: the snapshot row is in ClickHouse, so the sink found the topic and created the table.
        Wait.until("the snapshot in ClickHouse", Duration.ofSeconds(300), () -> {
            try {
                return ch.query("SELECT count() FROM soak_db.changes").strip().equals("1") && ch.query(
                        "SELECT count() FROM system.tables WHERE database = 'soak_db' AND startsWith(name, 't_')").strip()
                        .equals(String.valueOf(extraTables));
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
    }

    private static Map<String, String> sinkOverrides() {
        Map<String, String> o = new HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("soak."))
                .forEach(n -> o.put(n.substring(5), System.getProperty(n)));
        return o;
    }

    /** Raises the rate step by step until p99 passes 5 s or the source cannot produce the rate. */
    private void findKnee(double minutesPerStep, int firstRate, ProcessCpu cpu) throws Exception {
        int held = 0;
        double bestSource = 0;
        for (int rate = firstRate; ; rate += 5_000) {
            cpu.start();
            Phase p = load(rate, Duration.ofMillis((long) (minutesPerStep * 60_000)));
            Thread.sleep(5_000); // probes of the step's last seconds
            bestSource = Math.max(bestSource, p.sourceRate);
            boolean sourceKeptRate = p.sourceRate >= 0.95 * rate;
            boolean holds = sourceKeptRate && p.p99() <= 5_000;
            System.out.printf("step %6d changes/s: source %6.0f/s, commit->visible p50 %s, p99 %s -> %s%n",
                    rate, p.sourceRate, ms(p.p50()), ms(p.p99()), holds ? "holds" : sourceKeptRate ? "p99 over 5 s"
                            : "source below rate");
            System.out.print(cpu.report());
            if (!holds) {
                break;
            }
            held = rate;
        }
        System.out.printf("KNEE %d changes/s (highest step with p99 <= 5 s)%n", held);
        System.out.printf("RATIO %.2f%n", held / bestSource);
    }

    /** A latency, or "not visible" for probes still missing when the step ended. */
    private static String ms(long latency) {
        return latency >= Long.MAX_VALUE / 8 ? "not visible 5 s after the step" : latency + " ms";
    }

    /** Writes changes at {@code rate} for {@code length}: 20 transactions a second, 3/4 inserts, 1/4 updates, plus probes. */
    private Phase load(int rate, Duration length) throws Exception {
        List<Hops.Probe> mine = new ArrayList<>();
        long changes = 0;
        long startMs = System.currentTimeMillis();
        long start = System.nanoTime();
        long end = start + length.toNanos();
        int batch = Math.max(4, rate / 20);
        long lastProbe = 0;
        try (Connection c = db.connect();
             PreparedStatement probe = c.prepareStatement("UPDATE soak_db.changes SET marker = ? WHERE id = 0")) {
            c.setAutoCommit(false);
            long tick = System.nanoTime();
            while (System.nanoTime() < end) {
                // Two multi-row statements (JDBC batches would be one round trip per row).
                StringBuilder values = new StringBuilder("INSERT INTO soak_db.changes (id, payload, n) VALUES ");
                for (int i = 0; i < batch * 3 / 4; i++, nextId++) {
                    values.append(i == 0 ? "" : ",").append('(').append(nextId).append(",'payload ")
                            .append(nextId).append("',").append(nextId % 1000).append(')');
                }
                StringBuilder ids = new StringBuilder();
                for (int i = 0; i < batch / 4; i++) {
                    ids.append(i == 0 ? "" : ",").append(1 + (nextId * 7919 + i * 31L) % (nextId - 1));
                }
                try (Statement s = c.createStatement()) {
                    if (extraTables == 0) {
                        s.execute(values.toString());
                        if (ids.length() > 0) {
                            s.execute("UPDATE soak_db.changes SET n = n + 1 WHERE id IN (" + ids + ")");
                        }
                        changes += batch * 3 / 4 + batch / 4;
                    } else {
                        changes += writeToSomeTables(s, tick, batch);
                    }
                }
                c.commit();
                if (System.nanoTime() - lastProbe >= PROBE_EVERY_MS * 1_000_000L) {
                    probe.setLong(1, ++marker);
                    probe.executeUpdate();
                    c.commit();
                    Hops.Probe p = new Hops.Probe(marker, System.currentTimeMillis());
                    probes.put(marker, p);
                    mine.add(p);
                    lastProbe = System.nanoTime();
                }
                tick += 50_000_000L;
                long sleep = (tick - System.nanoTime()) / 1_000_000L;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Phase(rate, changes, changes / seconds, startMs, System.currentTimeMillis(), mine);
    }

    /** --tables: this tick's share of the tables (each table once a second) gets the tick's inserts. */
    private int writeToSomeTables(Statement s, long tick, int batch) throws java.sql.SQLException {
        int perTick = Math.max(1, extraTables / 20);
        int first = (int) ((tick / 50_000_000L) % 20) * perTick;
        int rowsEach = Math.max(1, batch / perTick);
        int written = 0;
        for (int t = first; t < first + perTick && t < extraTables; t++) {
            StringBuilder values = new StringBuilder("INSERT INTO soak_db.t_" + (t + 1) + " (id, payload, n) VALUES ");
            for (int i = 0; i < rowsEach; i++, nextId++) {
                values.append(i == 0 ? "" : ",").append('(').append(nextId).append(",'payload ").append(nextId)
                        .append("',").append(nextId % 1000).append(')');
            }
            s.execute(values.toString());
            written += rowsEach;
        }
        return written;
    }

    /** Polls ClickHouse every 50 ms for the newest probe marker in row 0: every marker up to it is visible. */
    private Thread visibilityPoller(AtomicBoolean running) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    long max = Long.parseLong(ch.query("SELECT max(marker) FROM soak_db.changes WHERE id = 0").strip());
                    long now = System.currentTimeMillis();
                    for (long m = visibleMax.get() + 1; m <= max; m++) {
                        Hops.Probe p = probes.get(m);
                        if (p != null) {
                            p.visibleMs = now;
                        }
                    }
                    visibleMax.accumulateAndGet(max, Math::max);
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException notYet) {
                    // the table is being created, or a poll failed: the next one counts
                }
            }
        }, "visibility-poller");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads the change topic and notes, for each probe, its offset and Kafka timestamp (JSON mode). */
    private Thread probeReader(String bootstrapServers, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            ObjectMapper json = new ObjectMapper();
            byte[] probeKey = "\"payload\":{\"id\":0}".getBytes(StandardCharsets.UTF_8);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                    "fetch.max.wait.ms", "50"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.key() == null || r.value() == null || indexOf(r.key(), probeKey) < 0) {
                            continue;
                        }
                        JsonNode payload = json.readTree(r.value()).path("payload");
                        Hops.Probe p = probes.get(payload.path("marker").asLong(-1));
                        if (p != null && p.offset < 0) {
                            p.topicMs = r.timestamp();
                            p.offset = r.offset();
                        }
                    }
                }
            } catch (Exception e) {
                System.err.println("probe reader stopped: " + e);
            }
        }, "probe-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Waits until ClickHouse FINAL holds what MariaDB holds; returns seconds from the phase's start. */
    private double awaitAllLanded(Phase phase) throws Exception {
        long[] expected = sourceState();
        String want = expected[0] + "\t" + expected[1] + "\n";
        Wait.until("ClickHouse to catch up", Duration.ofMinutes(10),
                () -> ch.query("SELECT count(), sum(n) FROM soak_db.changes FINAL WHERE _deleted = 0").equals(want)
                        && extraRowsInClickHouse() == expected[2]);
        Thread.sleep(500); // the last probes' visibility
        return (System.currentTimeMillis() - phase.startMs) / 1e3;
    }

    private void report(Phase phase, double landedSeconds, ProcessCpu cpu, WorkerRecording jfr, Path workerLog,
                        boolean avro) throws Exception {
        long[] expected = sourceState();
        long rowsInClickHouse = Long.parseLong(ch.query("SELECT count() FROM soak_db.changes FINAL").strip());
        double sourceSeconds = (phase.endMs - phase.startMs) / 1e3;
        double landedRate = phase.changes / landedSeconds;
        System.out.printf("duration %.1f min, target %d changes/s%n", sourceSeconds / 60, phase.targetRate);
        System.out.printf("source (baseline): %d changes in %.1f s = %.0f changes/s%n", phase.changes, sourceSeconds,
                phase.sourceRate);
        System.out.printf("landed in ClickHouse FINAL: all %d changes after %.1f s = %.0f changes/s%n", phase.changes,
                landedSeconds, landedRate);
        System.out.printf("commit->visible latency (%d probes, one every %d ms): p50 %d ms, p99 %d ms%n",
                phase.probes.size(), PROBE_EVERY_MS, phase.p50(), phase.p99());
        System.out.print(windows(phase));
        Hops hops = Hops.read(workerLog, TOPIC + "-0");
        if (!avro) {
            System.out.print(hops.report(phase.probes));
        }
        int inserts = hops.insertsBetween(phase.startMs, phase.endMs);
        System.out.printf("inserts into soak_db.changes while loading: %d = %.0f per minute, %.0f rows each on average%n",
                inserts, inserts / (sourceSeconds / 60), inserts == 0 ? 0.0 : (double) hops.rowsBetween(phase.startMs,
                        phase.endMs) / inserts);
        System.out.print(Hops.perTable(workerLog, phase.startMs, phase.endMs));
        System.out.print(cpu.report());
        System.out.print(jfr.stopAndReport());
        long source = expected[0] + expected[2];
        long landed = rowsInClickHouse + extraRowsInClickHouse();
        System.out.printf("rows: source %d, ClickHouse %d, lost %d, duplicated %d%n", source, landed,
                Math.max(0, source - landed), Math.max(0, landed - source));
        System.out.printf("RATIO %.2f%n", landedRate / phase.sourceRate);
    }

    /** commit->visible per 10 s of the run: a warm-up, a stall or a growing backlog shows here. */
    private static String windows(Phase phase) {
        StringBuilder out = new StringBuilder("commit->visible p50/p99 (ms) per 10 s:");
        for (long from = phase.startMs; from < phase.endMs; from += 10_000) {
            long f = from;
            List<Long> lat = new ArrayList<>();
            phase.probes.stream().filter(p -> p.commitMs >= f && p.commitMs < f + 10_000)
                    .forEach(p -> lat.add(p.visibleMs < 0 ? -1 : p.visibleMs - p.commitMs));
            if (lat.isEmpty()) {
                continue;
            }
            Collections.sort(lat);
            out.append(String.format(" %d/%d", Hops.pct(lat, 0.5), Hops.pct(lat, 0.99)));
        }
        return out.append(System.lineSeparator()).toString();
    }

    /** {rows and sum(n) of soak_db.changes, rows of the --tables tables}. */
    private long[] sourceState() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            long[] out = new long[3];
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(n) FROM soak_db.changes")) {
                rs.next();
                out[0] = rs.getLong(1);
                out[1] = rs.getLong(2);
            }
            if (extraTables > 0) {
                try (ResultSet rs = s.executeQuery("SELECT SUM(c) FROM (" + unionOfCounts("") + ") x")) {
                    rs.next();
                    out[2] = rs.getLong(1);
                }
            }
            return out;
        }
    }

    private long extraRowsInClickHouse() {
        return extraTables == 0 ? 0 : Long.parseLong(ch.query("SELECT sum(c) FROM (" + unionOfCounts(" FINAL") + ")").strip());
    }

    private String unionOfCounts(String suffix) {
        StringBuilder sql = new StringBuilder();
        for (int t = 1; t <= extraTables; t++) {
            sql.append(t == 1 ? "" : " UNION ALL ").append("SELECT COUNT(*) AS c FROM soak_db.t_").append(t).append(suffix);
        }
        return sql.toString();
    }
}
