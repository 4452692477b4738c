package io.streamingetl.clickhouse.metrics;

import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.utils.Time;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * JMX metrics per task and per table, on kafka-clients' Metrics + JmxReporter (Connect's
 * PluginMetrics only exists from Kafka 4.0, and the plugin must run on 3.9). MBeans:
 * {@code io.streamingetl.clickhouse:type=clickhouse-sink-task,connector=C,task=N} and
 * {@code io.streamingetl.clickhouse:type=clickhouse-sink-table,connector=C,task=N,table=db.t}.
 */
public final class SinkMetrics implements AutoCloseable {
    public static final String DOMAIN = "io.streamingetl.clickhouse";
    public static final String TASK_GROUP = "clickhouse-sink-task";
    public static final String TABLE_GROUP = "clickhouse-sink-table";

    private final Metrics metrics;
    private final Map<String, String> taskTags;
    private final Sensor received;
    private final Sensor dlq;
    private final Sensor errors;
    private final Sensor retries;
    private final Sensor skipped;
    private final Map<TableId, TableSensors> tables = new HashMap<>();

    private final class TableSensors {
        final Sensor rows;
        final Sensor batches;
        final Sensor bytes;
        final Sensor latency;
        final Sensor retries;
        final Sensor errors;
        volatile long lastInsertMs;

        TableSensors(TableId table) {
            Map<String, String> tags = new LinkedHashMap<>(taskTags);
            tags.put("table", table.toString());
            String p = "table." + table + ".";
            rows = metrics.sensor(p + "rows");
            rows.add(name("rows-written-total", TABLE_GROUP, "Rows inserted into the table", tags), new CumulativeSum());
            rows.add(name("rows-written-rate", TABLE_GROUP, "Rows inserted per second", tags), new Rate());
            batches = metrics.sensor(p + "batches");
            batches.add(name("batches-total", TABLE_GROUP, "INSERTs that succeeded", tags), new CumulativeSum());
            bytes = metrics.sensor(p + "bytes");
            bytes.add(name("bytes-written-total", TABLE_GROUP, "RowBinary bytes inserted", tags), new CumulativeSum());
            latency = metrics.sensor(p + "latency");
            latency.add(name("insert-latency-avg-ms", TABLE_GROUP, "Average INSERT latency", tags), new Avg());
            latency.add(name("insert-latency-max-ms", TABLE_GROUP, "Largest INSERT latency", tags), new Max());
            retries = metrics.sensor(p + "retries");
            retries.add(name("retries-total", TABLE_GROUP, "INSERT attempts retried", tags), new CumulativeSum());
            errors = metrics.sensor(p + "errors");
            errors.add(name("errors-total", TABLE_GROUP, "INSERTs that failed after retries", tags),
                    new CumulativeSum());
            metrics.addMetric(name("last-insert-ms", TABLE_GROUP, "When the last INSERT succeeded (epoch ms)", tags),
                    (Gauge<Long>) (c, now) -> lastInsertMs);
        }
    }

    public SinkMetrics(String connector, int task) {
        List<MetricsReporter> reporters = List.of(new JmxReporter());
        this.metrics = new Metrics(new MetricConfig(), reporters, Time.SYSTEM,
                new KafkaMetricsContext(DOMAIN));
        this.taskTags = new LinkedHashMap<>();
        taskTags.put("connector", connector);
        taskTags.put("task", Integer.toString(task));
        received = sensor("records-received", "Records handed to put()", true);
        dlq = sensor("records-dlq", "Records sent to the dead letter queue (or skipped when tolerated)", false);
        errors = sensor("errors", "Record and insert errors", false);
        retries = sensor("retries", "INSERT attempts retried", false);
        skipped = sensor("records-replay-skipped", "Redelivered records already in ClickHouse", false);
    }

    private Sensor sensor(String base, String doc, boolean rate) {
        Sensor s = metrics.sensor("task." + base);
        s.add(name(base + "-total", TASK_GROUP, doc, taskTags), new CumulativeSum());
        if (rate) {
            s.add(name(base + "-rate", TASK_GROUP, doc + " per second", taskTags), new Rate());
        }
        return s;
    }

    private MetricName name(String n, String group, String doc, Map<String, String> tags) {
        return metrics.metricName(n, group, doc, tags);
    }

    /** Buffer fill gauges, read from the task's buffers when JMX asks. */
    public void bufferGauges(LongSupplier bytes, LongSupplier rows, long maxBytes) {
        metrics.addMetric(name("buffer-bytes", TASK_GROUP, "Encoded bytes waiting in buffers", taskTags),
                (Gauge<Long>) (c, now) -> bytes.getAsLong());
        metrics.addMetric(name("buffer-rows", TASK_GROUP, "Rows waiting in buffers", taskTags),
                (Gauge<Long>) (c, now) -> rows.getAsLong());
        metrics.addMetric(name("buffer-fill-ratio", TASK_GROUP, "buffer-bytes / buffer.max.bytes", taskTags),
                (Gauge<Double>) (c, now) -> (double) bytes.getAsLong() / maxBytes);
    }

    private TableSensors table(TableId t) {
        return tables.computeIfAbsent(t, TableSensors::new);
    }

    public void received(int n) {
        received.record(n);
    }

    public void sentToDlq() {
        dlq.record(1);
        errors.record(1);
    }

    public void replaySkipped() {
        skipped.record(1);
    }

    public void inserted(TableId t, int rows, long bytes, long nanos) {
        TableSensors s = table(t);
        s.rows.record(rows);
        s.batches.record(1);
        s.bytes.record((double) bytes);
        s.latency.record((double) nanos / 1_000_000.0);
        s.lastInsertMs = System.currentTimeMillis();
    }

    public void retried(TableId t) {
        table(t).retries.record(1);
        retries.record(1);
    }

    public void insertFailed(TableId t) {
        table(t).errors.record(1);
        errors.record(1);
    }

    public Metrics registry() {
        return metrics;
    }

    @Override
    public void close() {
        metrics.close();
    }
}
