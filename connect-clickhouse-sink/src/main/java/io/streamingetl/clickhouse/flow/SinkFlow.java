package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.cluster.ShardHealth;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.config.BufferSettings;
import io.streamingetl.clickhouse.config.ErrorSettings;
import io.streamingetl.clickhouse.metrics.SinkMetrics;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A record's path through the sink, in the order Connect calls: each record of a batch is taken
 * by its partition's {@link PartitionFlow} (skipped, or appended to its table's buffer), full or
 * due buffers are sealed, and the {@link Inserter} inserts what is sealed; preCommit hands back
 * only offsets whose rows are in ClickHouse. No call blocks on ClickHouse longer than
 * {@code max.block.ms}: past it a RetriableException hands control back to Connect, which calls
 * again with the same batch, and the flow carries on from where it stopped.
 */
public final class SinkFlow {
    private static final Logger log = LoggerFactory.getLogger(SinkFlow.class);
    /**
     * At DEBUG, one line per put() and per insert with offsets and epoch-ms times: where a record
     * waited (bench/soak.sh turns it on through the worker's /admin/loggers).
     */
    static final Logger TIMELINE = LoggerFactory.getLogger("io.streamingetl.clickhouse.timeline");

    private final FlowContext context;
    private final Partitions partitions;
    private final Inserter inserter;
    private final ShardHealth health;
    private final SinkMetrics metrics;
    private final long maxBlockMs;
    /** False while a put() is in progress or ended in a RetriableException: the next put() is then the same batch. */
    private boolean lastPutCompleted = true;
    /**
     * True from a preCommit() to the next put(). Connect calls preCommit() right before it closes
     * partitions it revokes, but closes lost ones (another task already owns them: this worker
     * was frozen or cut off past the session timeout) without it.
     */
    private boolean committedSinceLastPut;

    /**
     * @param keepRecords buffers keep their records so a row ClickHouse refuses can go to the dead letter queue
     */
    public SinkFlow(String connector, Destination destination, Upstream upstream, BufferSettings buffering,
                    ErrorSettings errors, ShardHealth health, SinkMetrics metrics, boolean keepRecords) {
        this(connector, destination, upstream, buffering, errors, health, metrics, keepRecords, System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds for the flush policy and shard backoffs (a test's own clock makes runs replayable) */
    SinkFlow(String connector, Destination destination, Upstream upstream, BufferSettings buffering, ErrorSettings errors,
             ShardHealth health, SinkMetrics metrics, boolean keepRecords, LongSupplier clock) {
        BufferBudget budget = new BufferBudget(buffering.maxBytes());
        this.context = new FlowContext(connector, keepRecords, destination, upstream, FlushPolicy.of(buffering),
                budget, clock);
        this.partitions = new Partitions(context);
        this.inserter = new Inserter(context, partitions, health, errors.crashAfterInsert());
        this.health = health;
        this.metrics = metrics;
        this.maxBlockMs = errors.maxBlockMs();
        metrics.bufferGauges(budget::bytes, budget::rows, buffering.maxBytes());
    }

    public void open(Collection<TopicPartition> assigned) {
        partitions.open(assigned);
    }

    /** Takes a batch; throws RetriableException when ClickHouse holds it up (Connect delivers the batch again). */
    public void put(Collection<SinkRecord> records) {
        if (lastPutCompleted) {
            // A new batch. One that comes again after a RetriableException still holds the records
            // of partitions rewound during it, past the offsets they were sought back to: those
            // partitions must skip it, or the records the seek brings back would look redelivered.
            partitions.batchStarts();
        }
        lastPutCompleted = false;
        committedSinceLastPut = false;
        if (!records.isEmpty()) {
            metrics.received(records.size());
            if (TIMELINE.isDebugEnabled()) {
                logPut(records);
            }
        }
        long deadline = deadline();
        // What an earlier call sealed goes in first, with the same tokens.
        inserter.insertSealed(deadline);
        for (SinkRecord record : records) {
            PartitionFlow flow = partitions.of(record);
            if (flow == null) {
                continue; // rewound during this batch: its records come again after the seek
            }
            if (take(flow, record) == PartitionFlow.Taken.SCHEMA_CHANGE) {
                applySchemaChange(flow, record, deadline);
                continue;
            }
            boolean full = partitions.budget().full();
            if (full) {
                partitions.sealLargest();
            }
            if (flow.hasSealed() || full) {
                inserter.insertSealed(deadline); // a full buffer goes in now: memory stays bounded within a batch
                inserter.requireRoom();
            }
        }
        partitions.sealDue(context.nowMs());
        inserter.insertSealed(deadline);
        partitions.batchCompleted();
        lastPutCompleted = true;
    }

    private PartitionFlow.Taken take(PartitionFlow flow, SinkRecord record) {
        try {
            PartitionFlow.Taken taken = flow.take(record);
            if (taken == PartitionFlow.Taken.ALREADY_INSERTED) {
                metrics.replaySkipped();
            }
            return taken;
        } catch (DataException e) {
            context.upstream().bad(record, e);
            return null;
        }
    }

    /**
     * A source schema change at its place in the partition: everything before it goes in first,
     * then the change is applied and remembered as the partition's progress; other partitions
     * holding rows of the tables it changed are rewound, so those rows are encoded for the new
     * columns. A failure leaves the marker untaken: Connect delivers the batch again.
     */
    private void applySchemaChange(PartitionFlow flow, SinkRecord marker, long deadline) {
        flow.sealAll();
        inserter.drain(flow, deadline);
        if (flow.hasSealed() || flow.pendingSchemaChange() == null) {
            return; // rewound while draining: the marker comes again after the seek
        }
        Target target = flow.pendingSchemaChange();
        Set<TableId> changed = context.destination().applySchemaChange(marker, target);
        context.destination().rememberApplied(target, flow.partition(), marker.kafkaOffset());
        flow.schemaChangeApplied(marker.kafkaOffset());
        for (TableId table : changed) {
            partitions.rewind(table);
        }
    }

    /**
     * Inserts what is due before Connect commits, and returns per partition the first offset whose
     * row is not yet in ClickHouse.
     */
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        long now = context.nowMs();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : currentOffsets.entrySet()) {
            PartitionFlow flow = partitions.get(e.getKey());
            if (flow != null) {
                // The consumer's position counts records that never reach put() (dropped by a
                // transform, failed in the converter): a replay range they ended is complete.
                if (flow.connectPositionKnown()) {
                    flow.positionReached(e.getValue().offset());
                }
                flow.sealDue(now);
            }
        }
        try {
            inserter.insertSealed(deadline());
        } catch (RetriableException e) {
            log.warn("Insert before commit postponed: {}", e.getMessage());
        }
        committedSinceLastPut = true;
        return partitions.committable(currentOffsets);
    }

    /**
     * Revoked partitions (after a preCommit): inserts what they hold, then forgets them. Lost ones:
     * forgets them without a write, since their new owner already reads from the committed offset and
     * cuts its own ranges; inserting this task's cuts over them would double rows (a zombie's write).
     */
    public void close(Collection<TopicPartition> closing) {
        long deadline = deadline();
        boolean revoked = committedSinceLastPut;
        for (TopicPartition tp : closing) {
            PartitionFlow flow = partitions.get(tp);
            if (flow == null) {
                continue;
            }
            if (!revoked) {
                log.warn("{} was lost to another task (no commit came before its close): dropping what this task "
                        + "buffered for it, which its new owner reads again from the committed offset", tp);
                partitions.remove(tp);
                continue;
            }
            flow.sealAll();
            try {
                inserter.drain(flow, deadline);
            } catch (RuntimeException e) {
                log.warn("Could not insert {} on close; the next owner replays it: {}", tp, e.getMessage());
            }
            partitions.remove(tp);
        }
    }

    public void stop() {
        partitions.clear();
    }

    /**
     * When Connect should call again though no record comes (it polls for up to
     * offset.flush.interval.ms otherwise): the next open buffer falls due, or a shard that is down
     * is tried again. Long.MAX_VALUE when nothing waits.
     */
    public long nextWakeUpMs() {
        return Math.min(partitions.nextDueMs(), health.nextRetryMs());
    }

    /** For FlowModelTest's invariants: the partitions and their buffers. */
    Partitions partitions() {
        return partitions;
    }

    /** Heap the buffers allocated now. */
    public long bufferedBytes() {
        return partitions.budget().bytes();
    }

    private long deadline() {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
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
        ranges.forEach((tp, range) -> TIMELINE.debug("put {} {}..{} at {}", tp, range[0], range[1], now));
    }
}
