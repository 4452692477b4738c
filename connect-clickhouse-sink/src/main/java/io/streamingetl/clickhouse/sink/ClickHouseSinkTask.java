package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.Version;
import io.streamingetl.clickhouse.buffer.BufferKey;
import io.streamingetl.clickhouse.buffer.ByteChunks;
import io.streamingetl.clickhouse.buffer.FlushPolicy;
import io.streamingetl.clickhouse.buffer.Target;
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
import io.streamingetl.clickhouse.write.ClickHouseWriter;
import io.streamingetl.clickhouse.write.DedupCheck;
import io.streamingetl.clickhouse.write.ErrorClass;
import io.streamingetl.clickhouse.write.InsertFailure;
import io.streamingetl.clickhouse.write.Range;
import io.streamingetl.clickhouse.write.RangeStore;
import io.streamingetl.clickhouse.write.Shard;
import io.streamingetl.clickhouse.write.Shards;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The data path: record -> route -> column plan -> per-table buffer (RowBinary bytes) -> INSERT
 * -> offsets. What is in flight for a topic partition is owned by its {@link PartitionState}; this
 * class dispatches Connect's calls to those states and does the I/O on the buffers they seal.
 * preCommit hands Connect only offsets whose rows are in ClickHouse. On a cluster each row goes to
 * the shard its key hashes to; a shard that is down keeps its buffers while the others are written,
 * and holds back the commit of the partitions that owe it rows. No call blocks on ClickHouse
 * longer than {@code max.block.ms}: past it the task asks Connect to wait ({@code context.timeout})
 * and tries again from where it stopped.
 */
public class ClickHouseSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseSinkTask.class);
    /**
     * At DEBUG, one line per put() and per insert with offsets and epoch-ms times: where a record
     * waited (bench/soak.sh turns it on through the worker's /admin/loggers).
     */
    private static final Logger timeline = LoggerFactory.getLogger("io.streamingetl.clickhouse.timeline");
    public static final String TASK_ID = "task.id";

    private ClickHouseSinkConfig config;
    private String connector;
    private Shards shards;
    private TableRouter router;
    private ColumnPlanner planner;
    private TableManager tables;
    private ClickHouseWriter writer;
    private RangeStore rangeStore;
    private DedupCheck dedupCheck;
    private SinkMetrics metrics;
    private RecordErrors recordErrors;
    private FlushPolicy policy;
    private CrashMode crash;
    private boolean rangeTableReady;
    private boolean keepRecords;

    private final Map<TopicPartition, PartitionState> partitions = new LinkedHashMap<>();
    /** Heap the buffers allocated (chunks and row index), not bytes written: what buffer.max.bytes bounds. */
    private long bufferedBytes;
    private long bufferedRows;
    /** Partitions rewound during this put(): the rest of the batch comes again after the seek. */
    private final Set<TopicPartition> rewound = new HashSet<>();
    private final Map<TableId, Integer> schemaRetries = new HashMap<>();

    private TopicPartition lastTp;
    private PartitionState lastState;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new ClickHouseSinkConfig(props);
        connector = props.getOrDefault("name", "clickhouse-sink");
        int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
        shards = Shards.connect(config);
        tables = new TableManager(shards, new DdlBuilder(config.cluster(),
                config.clusterDdl() == ClickHouseSinkConfig.ClusterDdl.ON_CLUSTER, config.clusterReplicated(),
                config.replicaPath(), config.replicaName()), config.shardingKey());
        planner = new ColumnPlanner(tables, TypeRegistry.standard(), config);
        router = new TableRouter(config);
        metrics = new SinkMetrics(connector, taskId);
        metrics.bufferGauges(() -> bufferedBytes, () -> bufferedRows, config.bufferMaxBytes());
        policy = new FlushPolicy(config.bufferMaxRows(), config.bufferMaxBytes(), config.flushIntervalMs(),
                config.minInsertIntervalMs());
        if (config.dedupEnabled()) {
            rangeStore = new RangeStore(shards, new TableId(config.database(), config.dedupStateTable()), connector);
            dedupCheck = new DedupCheck(shards);
        }
        writer = new ClickHouseWriter(shards, rangeStore, config.dedupEnabled(), config.retryMaxAttempts(),
                config.retryBackoffMs(), config.retryBackoffMaxMs(),
                config.getInt(ClickHouseSinkConfig.SOCKET_TIMEOUT_MS) + 10_000L, metrics);
        ErrantRecordReporter reporter = reporter();
        recordErrors = new RecordErrors(config.toleratesErrors(), reporter, metrics);
        keepRecords = config.toleratesErrors() && reporter != null;
        crash = config.crashAfterInsert();
        log.info("ClickHouse sink task {} of {} started, writing to {} ({} buffering up to {} rows / {} bytes / {} ms)",
                taskId, connector, shards.sharded() ? shards.all() : config.url(),
                config.dedupEnabled() ? "replay-safe" : "plain",
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
    public void open(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            release(partitions.put(tp, new PartitionState(tp)));
        }
        lastTp = null;
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxBlockMs());
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        rewound.clear();
        if (!records.isEmpty()) {
            metrics.received(records.size());
            if (timeline.isDebugEnabled()) {
                logPut(records);
            }
        }
        long deadline = deadline();
        try {
            // What an earlier call sealed goes in first, with the same tokens.
            insertSealed(deadline);
            for (SinkRecord record : records) {
                TopicPartition tp = partitionOf(record);
                if (rewound.contains(tp)) {
                    continue;
                }
                PartitionState state = stateOf(tp);
                long offset = record.kafkaOffset();
                if (state.redelivered(offset)) {
                    continue;
                }
                state.positionReached(offset);
                handle(record, state, offset);
                if (policy.overBytes(bufferedBytes)) {
                    sealLargest();
                }
                if (state.nextSealed() != null || policy.overBytes(bufferedBytes)) {
                    insertSealed(deadline); // a full buffer goes in now: memory stays bounded within a batch
                    requireRoom();
                }
            }
            long now = System.currentTimeMillis();
            for (PartitionState state : partitions.values()) {
                state.sealDue(policy, now);
            }
            insertSealed(deadline);
            wakeUpWhenDue();
        } catch (RetriableException e) {
            context.timeout(config.retryBackoffMaxMs());
            throw e;
        }
    }

    /**
     * Connect polls Kafka for up to offset.flush.interval.ms (60 s by default) when no records come:
     * ask it to call put() again when the next open buffer falls due, so no row waits longer.
     */
    private void wakeUpWhenDue() {
        long next = Long.MAX_VALUE;
        for (PartitionState state : partitions.values()) {
            next = Math.min(next, state.nextDueMs(policy));
        }
        for (Shard shard : shards.all()) {
            if (shard.downUntilMs() > 0) {
                next = Math.min(next, shard.downUntilMs()); // its sealed buffers are tried again then
            }
        }
        if (next != Long.MAX_VALUE && context != null) {
            context.timeout(Math.max(1, next - System.currentTimeMillis()));
        }
    }

    private static void logPut(Collection<SinkRecord> records) {
        Map<String, long[]> ranges = new LinkedHashMap<>();
        for (SinkRecord r : records) {
            long[] range = ranges.computeIfAbsent(r.topic() + "-" + r.kafkaPartition(),
                    k -> new long[] {r.kafkaOffset(), r.kafkaOffset()});
            range[0] = Math.min(range[0], r.kafkaOffset());
            range[1] = Math.max(range[1], r.kafkaOffset());
        }
        long now = System.currentTimeMillis();
        ranges.forEach((tp, range) -> timeline.debug("put {} {}..{} at {}", tp, range[0], range[1], now));
    }

    private TopicPartition partitionOf(SinkRecord r) {
        TopicPartition tp = lastTp;
        if (tp == null || tp.partition() != r.kafkaPartition() || !tp.topic().equals(r.topic())) {
            tp = new TopicPartition(r.topic(), r.kafkaPartition());
            lastTp = tp;
            lastState = null;
        }
        return tp;
    }

    /** The partition's state, its remembered ranges loaded (a partition put() sees without open() gets one). */
    private PartitionState stateOf(TopicPartition tp) {
        PartitionState state = lastState;
        if (state == null || !state.partition().equals(tp)) {
            state = partitions.computeIfAbsent(tp, PartitionState::new);
            lastState = state;
        }
        if (!state.rangesLoaded()) {
            loadRanges();
        }
        return state;
    }

    /** Creates the range table and reads the remembered ranges of newly opened partitions; lazy so a down ClickHouse only pauses put(). */
    private void loadRanges() {
        List<PartitionState> pending = new ArrayList<>();
        for (PartitionState s : partitions.values()) {
            if (!s.rangesLoaded()) {
                pending.add(s);
            }
        }
        if (rangeStore == null) {
            pending.forEach(s -> s.rangesLoaded(Map.of()));
            return;
        }
        if (!rangeTableReady) {
            rangeStore.ensureTable(tables, tables.ddl());
            rangeTableReady = true;
        }
        Map<BufferKey, Range> loaded = rangeStore.load(pending.stream().map(PartitionState::partition).toList());
        for (PartitionState s : pending) {
            Map<Target, Range> mine = new HashMap<>();
            loaded.forEach((k, r) -> {
                if (k.partition().equals(s.partition())) {
                    mine.put(k.target(), r);
                }
            });
            s.rangesLoaded(mine);
            if (!mine.isEmpty()) {
                log.info("Remembered insert ranges of {} for replay safety: {}", s.partition(), mine);
            }
        }
    }

    private void handle(SinkRecord record, PartitionState state, long offset) {
        if (record.value() == null) {
            state.accounted(offset); // tombstones only serve log compaction; deletes arrive as rows with the delete flag
            return;
        }
        TableBuffer buf = null;
        try {
            DebeziumShapes.requireRow(record.valueSchema());
            TableId table = router.route(record);
            // The shard comes from the row's key, so with shards the plan is needed first.
            ColumnPlan plan = shards.count() == 1 ? null : planner.plan(table, record);
            Target target = new Target(table, plan == null ? 0 : plan.shardOf(record.value(), shards.count()));
            if (state.insertedBefore(target, offset)) {
                metrics.replaySkipped();
                state.accounted(offset);
                return;
            }
            if (plan == null) {
                plan = planner.plan(table, record);
            }
            buf = state.open(target);
            if (buf != null && buf.plan() != plan) {
                state.sealEarly(target);
                buf = null;
            }
            if (buf == null) {
                if (dedupCheck != null) {
                    dedupCheck.require(table); // before a table's first row, not for every record
                }
                buf = state.openNew(new TableBuffer(connector, target, state.partition(), plan,
                        System.currentTimeMillis(), keepRecords), offset);
            }
            ByteChunks bytes = buf.bytes();
            buf.beginRow();
            try {
                plan.encode(record.value(), bytes);
            } catch (RuntimeException e) {
                bytes.resetToMark();
                throw e;
            } catch (IOException e) {
                bytes.resetToMark();
                throw new DataException(e.getMessage(), e);
            }
            buf.rowAdded(offset, record);
            bufferedBytes += buf.newlyAllocated();
            bufferedRows++;
            state.rowAdded(buf, offset);
            if (!buf.isReplay() && policy.full(buf)) {
                // Never a replay buffer: cut short, its rest would come again under the same token
                // and be dropped as a repeat. It ends where its remembered range ends.
                state.seal(target);
            }
        } catch (DataException e) {
            state.accounted(offset);
            recordErrors.bad(record, e);
        }
    }

    /** Seals open buffers, largest first, until half the byte budget would be left. */
    private void sealLargest() {
        List<TableBuffer> all = new ArrayList<>();
        for (PartitionState s : partitions.values()) {
            all.addAll(s.buffers());
        }
        all.sort((a, b) -> Long.compare(b.accountedBytes(), a.accountedBytes()));
        long left = bufferedBytes;
        for (TableBuffer b : all) {
            if (left < policy.maxBytes() / 2) {
                break;
            }
            if (!b.isSealed() && !b.isReplay()) {
                partitions.get(b.partition()).seal(b.target());
            }
            left -= b.accountedBytes();
        }
    }

    /**
     * Inserts every sealed buffer, oldest first per target. With one server a transient failure ends
     * the call (Connect pauses and calls again). With shards, a shard that fails is down for a
     * backoff: its buffers wait while the other shards' go in, and the call ends only when no shard
     * is left, the deadline is spent, or the buffers are full.
     */
    private void insertSealed(long deadline) {
        Set<Integer> down = new HashSet<>();
        long now = System.currentTimeMillis();
        for (Shard shard : shards.all()) {
            if (shard.isDown(now)) {
                down.add(shard.index());
            }
        }
        RetriableException failure = null;
        for (PartitionState state : new ArrayList<>(partitions.values())) {
            TableBuffer b;
            while ((b = state.nextSealed(down)) != null) {
                try {
                    if (!insert(state, b, deadline)) {
                        break; // rewound: the partition's records come again
                    }
                } catch (RetriableException e) {
                    if (shards.count() == 1 || System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                    Shard shard = shards.get(b.shard());
                    shard.markDown(System.currentTimeMillis(), config.retryBackoffMs(), config.retryBackoffMaxMs());
                    down.add(shard.index());
                    failure = e;
                    log.warn("{} is unavailable; its rows wait (commits of the partitions owing it rows too) while "
                            + "the other shards are written: {}", shard, e.getMessage());
                }
            }
        }
        if (failure != null && (down.size() == shards.count() || policy.overBytes(bufferedBytes))) {
            throw failure;
        }
    }

    /** A shard that is down keeps its buffers: when they fill the budget, the task takes no more records. */
    private void requireRoom() {
        long now = System.currentTimeMillis();
        if (policy.overBytes(bufferedBytes) && shards.all().stream().anyMatch(s -> s.isDown(now))) {
            throw new RetriableException("the task's buffers are full (" + bufferedBytes + " bytes allocated) "
                    + "with rows for a shard that is down; taking no more records until it answers");
        }
    }

    /** Returns false when the partition was rewound instead. */
    private boolean insert(PartitionState state, TableBuffer buf, long deadline) {
        try {
            if (!buf.plan().typesCheckedByServer() && !planner.stillMatches(buf.plan(), buf.shard())) {
                throw new InsertFailure("the columns of " + buf.table() + " changed since its rows were encoded",
                        ErrorClass.SCHEMA, -1, null);
            }
            long sentMs = System.currentTimeMillis();
            writer.insert(buf, deadline, this::rejected);
            if (timeline.isDebugEnabled()) {
                timeline.debug("insert {} {}-{} {}..{} rows {} sealed {} sent {} done {} task buffers {} bytes",
                        buf.table(), buf.partition().topic(), buf.partition().partition(), buf.firstOffset(),
                        buf.lastOffset(), buf.rows(), buf.sealedMs(), sentMs, System.currentTimeMillis(), bufferedBytes);
            }
        } catch (InsertFailure f) {
            if (f.errorClass() == ErrorClass.TRANSIENT) {
                // The buffer stays sealed; Connect pauses, then calls put() again and it goes first.
                throw new RetriableException(f.getMessage(), f);
            }
            if (f.errorClass() == ErrorClass.SCHEMA && schemaRetries.merge(buf.table(), 1, Integer::sum) <= 2) {
                log.warn("{}; re-reading {} and re-delivering its partitions", f.getMessage(), buf.table());
                planner.invalidate(buf.table());
                rewind(buf.table());
                return false;
            }
            throw new ConnectException(f.getMessage(), f);
        }
        state.inserted(buf, System.currentTimeMillis());
        shards.get(buf.shard()).markUp();
        bufferedBytes -= buf.accountedBytes();
        bufferedRows -= buf.rows();
        schemaRetries.remove(buf.table());
        if (crash != CrashMode.NONE) {
            crashAfterInsert(buf);
        }
        return true;
    }

    /** A row the server refused: to the dead letter queue with the server's error, or the task fails. */
    private void rejected(TableBuffer buf, int row, InsertFailure why) {
        String where = "topic " + buf.partition().topic() + ", partition " + buf.partition().partition()
                + ", offset " + buf.offsetOf(row);
        SinkRecord record = buf.recordOf(row);
        if (record == null) {
            if (config.toleratesErrors()) {
                metrics.sentToDlq();
                log.warn("Skipped a row ClickHouse refused (errors.tolerance=all, no dead letter queue) at {}: {}",
                        where, why.getMessage());
                return;
            }
            throw new ConnectException("ClickHouse refused the row at " + where + ": " + why.getMessage(), why);
        }
        recordErrors.bad(record, new DataException("ClickHouse refused the row: " + why.getMessage(), why));
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
        for (PartitionState state : partitions.values()) {
            if (!state.feeds(table)) {
                continue;
            }
            Long committable = state.committable();
            release(state.rewind());
            if (committable != null) {
                context.offset(state.partition(), committable);
            }
            rewound.add(state.partition());
        }
    }

    private void release(PartitionState state) {
        if (state != null) {
            release(state.buffers());
        }
    }

    private void release(Collection<TableBuffer> dropped) {
        for (TableBuffer b : dropped) {
            bufferedBytes -= b.accountedBytes();
            bufferedRows -= b.rows();
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        rewound.clear();
        long now = System.currentTimeMillis();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : currentOffsets.entrySet()) {
            PartitionState state = partitions.get(e.getKey());
            if (state != null) {
                // The consumer's position counts records that never reach put() (dropped by a
                // transform, failed in the converter): a replay range they ended is complete.
                state.positionReached(e.getValue().offset());
                state.sealDue(policy, now);
            }
        }
        try {
            insertSealed(deadline());
            wakeUpWhenDue();
        } catch (RetriableException e) {
            log.warn("Insert before commit postponed: {}", e.getMessage());
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : currentOffsets.entrySet()) {
            PartitionState state = partitions.get(e.getKey());
            Long c = state == null ? null : state.committable();
            if (c != null) {
                // Never past what Connect counts as delivered: records of a batch it will deliver again
                // may already be in ClickHouse, but Connect would refuse such an offset.
                out.put(e.getKey(), new OffsetAndMetadata(Math.min(c, e.getValue().offset())));
            }
        }
        return out;
    }

    @Override
    public void close(Collection<TopicPartition> closing) {
        long deadline = deadline();
        for (TopicPartition tp : closing) {
            PartitionState state = partitions.get(tp);
            if (state == null) {
                continue;
            }
            state.sealWhere(b -> true); // replay buffers stay open: the next owner replays them
            try {
                TableBuffer b;
                while ((b = state.nextSealed()) != null && insert(state, b, deadline)) {
                    // next
                }
            } catch (RuntimeException e) {
                log.warn("Could not insert {} on close; the next owner replays it: {}", tp, e.getMessage());
            }
            release(partitions.remove(tp));
        }
        lastTp = null;
        lastState = null;
    }

    @Override
    public void stop() {
        partitions.clear();
        bufferedBytes = 0;
        bufferedRows = 0;
        if (shards != null) {
            shards.close();
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
