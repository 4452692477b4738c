package io.streamingetl.clickhouse.bench;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseFormat;
import io.streamingetl.clickhouse.sink.ClickHouseSinkTask;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * bench/sink.sh: the same 10-column rows into a real local ClickHouse (a) through the sink task's
 * put()/preCommit() and (b) straight through the official client's RowBinaryFormatWriter, both in
 * inserts of 100,000 rows. Ours is timed around put()/preCommit() only (the worker builds the
 * records); the baseline is timed around its inserts, including building its values.
 */
public final class SinkBench {
    static final String DDL = " (id UInt64, i Int32, s String, ns Nullable(String), ts DateTime64(3, 'UTC'), "
            + "f Float64, d Decimal(12, 2), flag UInt8, version UInt64, day Date32) ENGINE = MergeTree ORDER BY id"
            // As the sink creates tables: replay-safe inserts need the token deduplication window.
            + " SETTINGS non_replicated_deduplication_window = 1000";
    static final long BASE_MS = 1_700_000_000_000L;
    static final int BATCH = 100_000;
    static final int POLL = 500; // Connect's default max.poll.records

    static final Schema SCHEMA = SchemaBuilder.struct().name("bench")
            .field("id", Schema.INT64_SCHEMA).field("i", Schema.INT32_SCHEMA).field("s", Schema.STRING_SCHEMA)
            .field("ns", Schema.OPTIONAL_STRING_SCHEMA).field("ts", Timestamp.SCHEMA)
            .field("f", Schema.FLOAT64_SCHEMA)
            .field("d", Decimal.builder(2).parameter("connect.decimal.precision", "12").build())
            .field("flag", Schema.INT8_SCHEMA).field("version", Schema.INT64_SCHEMA).field("day", Date.SCHEMA)
            .build();

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        Path dir = Path.of("target", "bench", "clickhouse");
        deleteTree(dir.getParent());
        Files.createDirectories(dir);
        ClickHouseServer server = ClickHouseServer.forTests(dir).start();
        try (Client client = new Client.Builder().addEndpoint(server.httpUrl()).setUsername("default")
                .setPassword("").build()) {
            for (String t : List.of("warm_raw", "warm_sink", "bench_raw", "bench_sink", "warm_http", "bench_http")) {
                server.query("CREATE TABLE " + t + DDL);
            }
            raw(client, "warm_raw", 200_000);
            sink(server.httpUrl(), "warm_sink", 200_000);

            http(client, server.httpUrl(), "warm_http", 200_000);
            long httpNanos = http(client, server.httpUrl(), "bench_http", rows);
            long rawNanos = raw(client, "bench_raw", rows);
            resetPeaks();
            long[] sink = sink(server.httpUrl(), "bench_sink", rows);
            long peakHeap = heapPeak();

            check(server, "bench_raw", rows);
            check(server, "bench_sink", rows);
            check(server, "bench_http", rows);
            double rawRate = rows / (rawNanos / 1e9);
            double sinkRate = rows / (sink[0] / 1e9);
            System.out.printf("rows: %d (10 columns), inserts of %d rows%n", rows, BATCH);
            System.out.printf("raw client (RowBinaryFormatWriter): %.0f rows/s (%.2f s)%n", rawRate, rawNanos / 1e9);
            System.out.printf("sink task put()/preCommit():        %.0f rows/s (%.2f s)%n", sinkRate, sink[0] / 1e9);
            System.out.printf("raw HTTP POST of pre-encoded RowBinary (the physical limit here): %.0f rows/s (%.2f s);"
                    + " the sink reaches %.0f %% of it%n", rows / (httpNanos / 1e9), httpNanos / 1e9,
                    100.0 * sinkRate / (rows / (httpNanos / 1e9)));
            System.out.printf("sink peak heap: %d MB used by the JVM heap pools while the sink ran (garbage included, -Xmx1g); "
                    + "%d MB live after GC; %d MB peak in the task's buffers%n",
                    peakHeap / (1024 * 1024), liveHeapPeak / (1024 * 1024), sink[1] / (1024 * 1024));
            System.out.printf("RATIO %.2f%n", sinkRate / rawRate);
        } finally {
            server.stop();
        }
    }

    static String s(long i) {
        return "customer-name-" + (100000 + i % 900000);
    }

    static long raw(Client client, String table, int rows) throws Exception {
        TableSchema schema = client.getTableSchema(table);
        InsertSettings settings = new InsertSettings().serverSetting("async_insert", "0");
        long start = System.nanoTime();
        for (int from = 0; from < rows; from += BATCH) {
            int begin = from;
            int end = Math.min(rows, from + BATCH);
            client.insert(table, out -> {
                RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
                for (long i = begin; i < end; i++) {
                    writeRow(w, i);
                }
            }, ClickHouseFormat.RowBinary, settings).get(10, TimeUnit.MINUTES).close();
        }
        return System.nanoTime() - start;
    }

    /** Row {@code i} of the benchmark through the client's writer (both baselines). */
    static void writeRow(RowBinaryFormatWriter w, long i) throws java.io.IOException {
        w.setValue("id", i);
        w.setValue("i", (int) (i * 31));
        w.setValue("s", s(i));
        w.setValue("ns", i % 3 == 0 ? null : "n" + i);
        w.setValue("ts", ZonedDateTime.ofInstant(Instant.ofEpochMilli(BASE_MS + i), ZoneOffset.UTC));
        w.setValue("f", i * 0.5);
        w.setValue("d", BigDecimal.valueOf(i * 7 % 100_000_000L, 2));
        w.setValue("flag", (int) (i % 2));
        w.setValue("version", i);
        w.setValue("day", LocalDate.ofEpochDay(19_000 + i % 1000));
        w.commitRow();
    }

    /**
     * The same rows encoded once, before the clock starts, by the client's writer; then only their
     * POST bodies are timed (java.net.http, one insert of BATCH rows at a time): what ClickHouse and
     * the loopback take, with no encoding at all.
     */
    static long http(Client client, String url, String table, int rows) throws Exception {
        TableSchema schema = client.getTableSchema(table);
        List<byte[]> bodies = new ArrayList<>();
        for (int from = 0; from < rows; from += BATCH) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
            for (long i = from; i < Math.min(rows, from + BATCH); i++) {
                writeRow(w, i);
            }
            bodies.add(out.toByteArray());
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create(url + "/?async_insert=0&query="
                + java.net.URLEncoder.encode("INSERT INTO " + table + " FORMAT RowBinary", java.nio.charset.StandardCharsets.UTF_8));
        long start = System.nanoTime();
        for (byte[] body : bodies) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(uri)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("insert failed: " + response.body());
            }
        }
        return System.nanoTime() - start;
    }

    /** Returns {nanos inside put/preCommit, peak buffered bytes}. */
    static long[] sink(String url, String table, int rows) {
        return sink(sinkProps(table, Map.of("clickhouse.url", url)), rows);
    }

    /** The benchmark's sink settings for {@code table}, with {@code extra} (where to write). */
    static Map<String, String> sinkProps(String table, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "bench-" + table);
        props.put("table.name.template", table);
        props.put("database.name.template", "");
        props.put("buffer.max.rows", Integer.toString(BATCH));
        props.put("buffer.flush.interval.ms", "600000");
        props.put("buffer.min.insert.interval.ms", "-1"); // inserts of BATCH rows, as the baseline's
        props.putAll(extra);
        return props;
    }

    static long[] sink(Map<String, String> props, int rows) {
        TopicPartition tp = new TopicPartition("bench", 0);
        ClickHouseSinkTask task = new ClickHouseSinkTask();
        task.initialize(new BenchContext(props, tp));
        task.start(props);
        task.open(List.of(tp));
        long nanos = 0;
        long peakBuffered = 0;
        liveHeapPeak = 0;
        try {
            for (int from = 0; from < rows; from += POLL) {
                int end = Math.min(rows, from + POLL);
                List<SinkRecord> batch = new ArrayList<>(end - from);
                for (long i = from; i < end; i++) {
                    Struct v = new Struct(SCHEMA).put("id", i).put("i", (int) (i * 31)).put("s", s(i))
                            .put("ns", i % 3 == 0 ? null : "n" + i).put("ts", new java.util.Date(BASE_MS + i))
                            .put("f", i * 0.5).put("d", BigDecimal.valueOf(i * 7 % 100_000_000L, 2))
                            .put("flag", (byte) (i % 2)).put("version", i)
                            .put("day", new java.util.Date((19_000 + i % 1000) * 86_400_000L));
                    batch.add(new SinkRecord("bench", 0, null, null, SCHEMA, v, i));
                }
                long t0 = System.nanoTime();
                task.put(batch);
                nanos += System.nanoTime() - t0;
                peakBuffered = Math.max(peakBuffered, task.bufferedBytes());
                if ((from / POLL) % 50 == 0) {
                    liveHeapPeak = Math.max(liveHeapPeak, liveHeap());
                }
            }
            long t0 = System.nanoTime();
            // As Connect stops a task: preCommit, then close() inserts the rest (the flush interval
            // is long); the table's count and sums are checked below.
            task.preCommit(Map.of(tp, new OffsetAndMetadata(rows)));
            task.close(List.of(tp));
            nanos += System.nanoTime() - t0;
        } finally {
            task.stop();
        }
        return new long[]{nanos, peakBuffered};
    }

    static void check(ClickHouseServer server, String table, int rows) {
        String got = server.query("SELECT count(), sum(id), countIf(ns IS NULL), sum(d) FROM " + table).trim();
        String want = server.query("SELECT count(), sum(number), countIf(number % 3 = 0), "
                + "sum(toDecimal128(number * 7 % 100000000, 0) / 100) FROM numbers(" + rows + ")").trim();
        if (!got.split("\t")[0].equals(want.split("\t")[0]) || !got.split("\t")[1].equals(want.split("\t")[1])
                || !got.split("\t")[2].equals(want.split("\t")[2])) {
            throw new IllegalStateException(table + ": got " + got + ", want " + want);
        }
    }

    static long liveHeapPeak;

    /** Heap still in use after the last collection of each pool: the live set, not garbage. */
    static long liveHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
                sum += p.getCollectionUsage().getUsed();
            }
        }
        return sum;
    }

    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    /** The worker's side for a task outside a worker: offsets and pauses are recorded, nothing else. */
    static final class BenchContext implements SinkTaskContext {
        private final Map<String, String> props;
        private final TopicPartition tp;

        BenchContext(Map<String, String> props, TopicPartition tp) {
            this.props = props;
            this.tp = tp;
        }

        @Override public Map<String, String> configs() { return props; }
        @Override public void offset(Map<TopicPartition, Long> offsets) { }
        @Override public void offset(TopicPartition tp, long offset) { }
        @Override public void timeout(long timeoutMs) { }
        @Override public Set<TopicPartition> assignment() { return Set.of(tp); }
        @Override public void pause(TopicPartition... partitions) { }
        @Override public void resume(TopicPartition... partitions) { }
        @Override public void requestCommit() { }
        @Override public PluginMetrics pluginMetrics() { return null; }
    }
}
