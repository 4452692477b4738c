package io.streamingetl.clickhouse.sink;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.Version;
import io.streamingetl.clickhouse.buffer.BufferKey;
import io.streamingetl.clickhouse.buffer.ByteChunks;
import io.streamingetl.clickhouse.buffer.FlushPolicy;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig.CrashMode;
import io.streamingetl.clickhouse.ddl.DdlBuilder;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.route.TableId;
import io.streamingetl.clickhouse.route.TableRouter;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.schema.ColumnPlanner;
import io.streamingetl.clickhouse.schema.TypeRegistry;
import io.streamingetl.clickhouse.write.ClickHouseClients;
import io.streamingetl.clickhouse.write.ClickHouseWriter;
import io.streamingetl.clickhouse.write.ErrorClass;
import io.streamingetl.clickhouse.write.InsertFailure;
import io.streamingetl.clickhouse.write.Range;
import io.streamingetl.clickhouse.write.RangeStore;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data path: record -> route -> column plan -> per-table buffer (RowBinary bytes) -> INSERT
 * -> offsets. preCommit hands Connect only offsets whose rows are in ClickHouse.
 */
public class ClickHouseSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseSinkTask.class);
    public static final String TASK_ID = "task.id";

    private ClickHouseSinkConfig config;
    private Client client;
    private TableRouter router;
    private ColumnPlanner planner;
    private TableManager tables;
    private ClickHouseWriter writer;
    private RangeStore rangeStore;
    private SinkMetrics metrics;
    private RecordErrors recordErrors;
    private FlushPolicy policy;
    private CrashMode crash;
    private boolean rangeTableReady;

    private final Map<BufferKey, TableBuffer> buffers = new LinkedHashMap<>();
    private long bufferedBytes;
    private long bufferedRows;
    /** One past the highest offset handled per partition: skips a batch Connect redelivers after a retriable error. */
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    /** Last range inserted (or intended) per table and partition: replays skip before it and re-cut it. */
    private final Map<BufferKey, Range> lastRanges = new HashMap<>();
    private final Set<TopicPartition> pendingRangeLoad = new HashSet<>();
    /** Partitions rewound during this put(): the rest of the batch comes again after the seek. */
    private final Set<TopicPartition> rewound = new HashSet<>();
    private final Map<BufferKey, Integer> schemaRetries = new HashMap<>();

    private TopicPartition lastTp;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new ClickHouseSinkConfig(props);
        String connector = props.getOrDefault("name", "clickhouse-sink");
        int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
        client = ClickHouseClients.build(config);
        tables = new TableManager(client, new DdlBuilder(config.cluster()));
        planner = new ColumnPlanner(tables, TypeRegistry.standard(), config);
        router = new TableRouter(config);
        metrics = new SinkMetrics(connector, taskId);
        metrics.bufferGauges(() -> bufferedBytes, () -> bufferedRows, config.bufferMaxBytes());
        policy = new FlushPolicy(config.bufferMaxRows(), config.bufferMaxBytes(), config.flushIntervalMs());
        if (config.dedupEnabled()) {
            rangeStore = new RangeStore(client, new TableId(config.database(), config.dedupStateTable()), connector);
        }
        writer = new ClickHouseWriter(client, rangeStore, config.retryMaxAttempts(), config.retryBackoffMs(),
                config.retryBackoffMaxMs(), config.getInt(ClickHouseSinkConfig.SOCKET_TIMEOUT_MS) + 10_000L, metrics);
        recordErrors = new RecordErrors(config.toleratesErrors(), reporter(), metrics);
        crash = config.crashAfterInsert();
        log.info("ClickHouse sink task {} of {} started, writing to {} ({} buffering up to {} rows / {} bytes / {} ms)",
                taskId, connector, config.url(), config.dedupEnabled() ? "replay-safe" : "plain",
                config.bufferMaxRows(), config.bufferMaxBytes(), config.flushIntervalMs());
    }

    private ErrantRecordReporter reporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than KIP-610
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            nextOffset.remove(tp);
            lastRanges.keySet().removeIf(k -> k.partition().equals(tp));
        }
        pendingRangeLoad.addAll(partitions);
    }

    /** Creates the range table and reads remembered ranges; lazy so a down ClickHouse only pauses put(). */
    private void ensureReady() {
        if (rangeStore == null) {
            return;
        }
        if (!rangeTableReady) {
            rangeStore.ensureTable(tables, tables.ddl());
            rangeTableReady = true;
        }
        if (!pendingRangeLoad.isEmpty()) {
            Map<BufferKey, Range> loaded = rangeStore.load(pendingRangeLoad);
            lastRanges.putAll(loaded);
            if (!loaded.isEmpty()) {
                log.info("Remembered insert ranges for replay safety: {}", loaded);
            }
            pendingRangeLoad.clear();
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        rewound.clear();
        if (!records.isEmpty()) {
            metrics.received(records.size());
        }
        try {
            ensureReady();
        } catch (RetriableException e) {
            context.timeout(config.retryBackoffMaxMs());
            throw e;
        }
        for (SinkRecord record : records) {
            TopicPartition tp = partitionOf(record);
            if (rewound.contains(tp)) {
                continue;
            }
            long offset = record.kafkaOffset();
            Long next = nextOffset.get(tp);
            if (next != null && offset < next) {
                continue; // already buffered: Connect redelivers the batch after a RetriableException
            }
            handle(record, tp, offset);
            if (!rewound.contains(tp)) {
                nextOffset.put(tp, offset + 1);
            }
            if (policy.overBytes(bufferedBytes)) {
                flushAll();
            }
        }
        flushDue(System.currentTimeMillis());
    }

    private TopicPartition partitionOf(SinkRecord r) {
        TopicPartition tp = lastTp;
        if (tp == null || tp.partition() != r.kafkaPartition() || !tp.topic().equals(r.topic())) {
            tp = new TopicPartition(r.topic(), r.kafkaPartition());
            lastTp = tp;
        }
        return tp;
    }

    private void handle(SinkRecord record, TopicPartition tp, long offset) {
        if (record.value() == null) {
            return; // tombstones only serve log compaction; deletes arrive as rows with the delete flag
        }
        TableBuffer buf = null;
        BufferKey key = null;
        try {
            DebeziumShapes.requireRow(record.valueSchema());
            TableId table = router.route(record);
            key = new BufferKey(table, tp);
            Range remembered = lastRanges.get(key);
            if (remembered != null && offset < remembered.first()) {
                metrics.replaySkipped();
                return;
            }
            ColumnPlan plan = planner.plan(table, record);
            buf = buffers.get(key);
            if (buf != null && (buf.plan() != plan || (buf.mustEndAt() >= 0 && offset > buf.mustEndAt()))) {
                flush(buf);
                if (rewound.contains(tp)) {
                    return;
                }
                buf = null;
            }
            if (buf == null) {
                buf = new TableBuffer(table, tp, plan, System.currentTimeMillis());
                if (remembered != null && offset <= remembered.last()) {
                    buf.mustEndAt(remembered.last());
                }
                buffers.put(key, buf);
            }
            ByteChunks bytes = buf.bytes();
            long before = bytes.size();
            bytes.mark();
            try {
                plan.encode(record.value(), bytes);
            } catch (RuntimeException e) {
                bytes.resetToMark();
                throw e;
            } catch (IOException e) {
                bytes.resetToMark();
                throw new DataException(e.getMessage(), e);
            }
            buf.rowAdded(offset);
            bufferedBytes += bytes.size() - before;
            bufferedRows++;
            if (buf.mustEndAt() >= 0 ? buf.mustEndAt() == offset : policy.full(buf)) {
                flush(buf);
            }
        } catch (DataException e) {
            if (buf != null && buf.isEmpty() && key != null) {
                buffers.remove(key);
            }
            recordErrors.bad(record, e);
        }
    }

    private void flushDue(long now) {
        List<TableBuffer> due = new ArrayList<>();
        for (TableBuffer b : buffers.values()) {
            if (b.mustEndAt() < 0 && (policy.old(b, now) || policy.full(b))) {
                due.add(b);
            }
        }
        for (TableBuffer b : due) {
            if (buffers.get(new BufferKey(b.table(), b.partition())) == b) {
                flush(b);
            }
        }
    }

    private void flushAll() {
        List<TableBuffer> all = new ArrayList<>(buffers.values());
        // A replayed range waits for its last offset: cut earlier, it would get another token.
        all.removeIf(b -> b.mustEndAt() >= 0);
        all.sort((a, b) -> Long.compare(b.sizeBytes(), a.sizeBytes()));
        for (TableBuffer b : all) {
            if (buffers.get(new BufferKey(b.table(), b.partition())) == b) {
                flush(b);
            }
        }
    }

    private void flush(TableBuffer buf) {
        BufferKey key = new BufferKey(buf.table(), buf.partition());
        if (buf.isEmpty()) {
            buffers.remove(key);
            return;
        }
        try {
            writer.insert(buf);
        } catch (InsertFailure f) {
            if (f.errorClass() == ErrorClass.TRANSIENT) {
                // Keep the buffer and the offsets: Connect pauses, then calls put() again.
                context.timeout(config.retryBackoffMaxMs());
                throw new RetriableException(f.getMessage(), f);
            }
            if (f.errorClass() == ErrorClass.SCHEMA && schemaRetries.merge(key, 1, Integer::sum) <= 2) {
                log.warn("{}; re-reading {} and re-delivering its partitions", f.getMessage(), buf.table());
                planner.invalidate(buf.table());
                rewind(buf.table());
                return;
            }
            throw new ConnectException(f.getMessage(), f);
        }
        buffers.remove(key);
        bufferedBytes -= buf.sizeBytes();
        bufferedRows -= buf.rows();
        schemaRetries.remove(key);
        lastRanges.put(key, new Range(buf.firstOffset(), buf.lastOffset()));
        if (crash != CrashMode.NONE) {
            crashAfterInsert(buf);
        }
    }

    /** TEST ONLY (test.crash.after.insert): die between a successful insert and the offset commit. */
    private void crashAfterInsert(TableBuffer buf) {
        CrashMode mode = crash;
        crash = CrashMode.NONE;
        log.error("test.crash.after.insert={}: crashing after inserting {} offsets {}..{}", mode, buf.partition(),
                buf.firstOffset(), buf.lastOffset());
        if (mode == CrashMode.JVM) {
            Runtime.getRuntime().halt(137);
        }
        throw new ConnectException("test.crash.after.insert=task: crashed after insert, before offset commit");
    }

    /** Drops every buffer of the partitions feeding {@code table} and seeks them back to their committable offset. */
    private void rewind(TableId table) {
        Set<TopicPartition> tps = new HashSet<>();
        for (BufferKey k : buffers.keySet()) {
            if (k.table().equals(table)) {
                tps.add(k.partition());
            }
        }
        for (TopicPartition tp : tps) {
            Long committable = committable(tp);
            Iterator<Map.Entry<BufferKey, TableBuffer>> it = buffers.entrySet().iterator();
            while (it.hasNext()) {
                TableBuffer b = it.next().getValue();
                if (b.partition().equals(tp)) {
                    bufferedBytes -= b.sizeBytes();
                    bufferedRows -= b.rows();
                    it.remove();
                }
            }
            if (committable != null) {
                context.offset(tp, committable);
            }
            nextOffset.remove(tp);
            rewound.add(tp);
        }
    }

    /** The first offset of tp not yet in ClickHouse, or null when nothing was seen since open. */
    private Long committable(TopicPartition tp) {
        Long min = null;
        for (TableBuffer b : buffers.values()) {
            if (b.partition().equals(tp) && !b.isEmpty() && (min == null || b.firstOffset() < min)) {
                min = b.firstOffset();
            }
        }
        return min != null ? min : nextOffset.get(tp);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            rewound.clear();
            flushDue(System.currentTimeMillis());
        } catch (RetriableException e) {
            log.warn("Flush before commit postponed: {}", e.getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long c = committable(tp);
            if (c != null) {
                out.put(tp, new OffsetAndMetadata(c));
            }
        }
        return out;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        Set<TopicPartition> closing = new HashSet<>(partitions);
        List<TableBuffer> toFlush = new ArrayList<>();
        for (TableBuffer b : buffers.values()) {
            if (closing.contains(b.partition()) && b.mustEndAt() < 0) {
                toFlush.add(b);
            }
        }
        for (TableBuffer b : toFlush) {
            try {
                flush(b);
            } catch (RuntimeException e) {
                log.warn("Could not flush {} on close; the next owner replays it: {}", b.partition(), e.getMessage());
            }
        }
        buffers.values().removeIf(b -> {
            if (closing.contains(b.partition())) {
                bufferedBytes -= b.sizeBytes();
                bufferedRows -= b.rows();
                return true;
            }
            return false;
        });
        for (TopicPartition tp : partitions) {
            nextOffset.remove(tp);
            pendingRangeLoad.remove(tp);
        }
        lastRanges.keySet().removeIf(k -> closing.contains(k.partition()));
        lastTp = null;
    }

    @Override
    public void stop() {
        buffers.clear();
        if (client != null) {
            client.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** For tests and the benchmark: bytes currently buffered. */
    public long bufferedBytes() {
        return bufferedBytes;
    }
}
