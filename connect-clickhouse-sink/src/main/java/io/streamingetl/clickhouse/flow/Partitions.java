package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.Range;
import io.streamingetl.clickhouse.state.RangeKey;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partitions a task owns, each a {@link PartitionFlow}, and what they share: one byte budget
 * for all their buffers (the largest are sealed when it fills), rewinds of every partition feeding
 * a table whose columns changed, and the offsets that may be committed.
 */
final class Partitions {
    private static final Logger log = LoggerFactory.getLogger(Partitions.class);

    private final FlowContext context;
    private final BufferBudget budget;
    private final Map<TopicPartition, PartitionFlow> flows = new LinkedHashMap<>();
    /** Partitions rewound during this batch: the rest of it (and the batch again, after a RetriableException) comes again after the seek. */
    private final Set<TopicPartition> rewound = new HashSet<>();
    private TopicPartition lastPartition;
    private PartitionFlow lastFlow;

    Partitions(FlowContext context) {
        this.context = context;
        this.budget = context.budget();
    }

    /** Fresh flows for {@code assigned}; a flow they replace gives its buffers back to the budget. */
    void open(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            release(flows.put(tp, newFlow(tp)));
            rewound.remove(tp); // Connect dropped its records from a batch it would deliver again
        }
        lastPartition = null;
        lastFlow = null;
    }

    private PartitionFlow newFlow(TopicPartition tp) {
        return new PartitionFlow(tp, context);
    }

    /** A new batch: partitions rewound before take records again (they come from the offset sought to). */
    void batchStarts() {
        rewound.clear();
    }

    /** put() returned: Connect now counts the batch as delivered. */
    void batchCompleted() {
        for (PartitionFlow f : flows.values()) {
            f.batchCompleted();
        }
    }

    /**
     * The flow of the record's partition, its remembered ranges loaded (a partition put() sees
     * without open() gets one), or null when that partition was rewound during this batch.
     */
    PartitionFlow of(SinkRecord record) {
        TopicPartition tp = lastPartition;
        if (tp == null || tp.partition() != record.kafkaPartition() || !tp.topic().equals(record.topic())) {
            tp = new TopicPartition(record.topic(), record.kafkaPartition());
            lastPartition = tp;
            lastFlow = null;
        }
        PartitionFlow flow = lastFlow;
        if (flow == null) {
            flow = flows.computeIfAbsent(tp, this::newFlow);
            lastFlow = flow;
        }
        if (rewound.contains(tp)) {
            flow.skippedAfterRewind();
            return null;
        }
        if (!flow.rangesLoaded()) {
            loadRanges();
        }
        return flow;
    }

    /** Reads the remembered ranges of every partition still without them; lazy, so a down ClickHouse only pauses put(). */
    private void loadRanges() {
        List<PartitionFlow> pending = new ArrayList<>();
        for (PartitionFlow f : flows.values()) {
            if (!f.rangesLoaded()) {
                pending.add(f);
            }
        }
        Map<RangeKey, Range> loaded = context.destination().rememberedRanges(pending.stream().map(PartitionFlow::partition).toList());
        for (PartitionFlow f : pending) {
            Map<Target, Range> mine = new HashMap<>();
            loaded.forEach((k, r) -> {
                if (k.partition().equals(f.partition())) {
                    mine.put(k.target(), r);
                }
            });
            f.rangesLoaded(mine);
            if (!mine.isEmpty()) {
                log.info("Remembered insert ranges of {} for replay safety: {}", f.partition(), mine);
            }
        }
    }

    PartitionFlow get(TopicPartition tp) {
        return flows.get(tp);
    }

    Collection<PartitionFlow> all() {
        return flows.values();
    }

    BufferBudget budget() {
        return budget;
    }

    /** Seals the open buffers that are due, in every partition. */
    void sealDue(long nowMs) {
        for (PartitionFlow f : flows.values()) {
            f.sealDue(nowMs);
        }
    }

    /** The earliest time an open buffer becomes due, or Long.MAX_VALUE. */
    long nextDueMs() {
        long next = Long.MAX_VALUE;
        for (PartitionFlow f : flows.values()) {
            next = Math.min(next, f.nextDueMs());
        }
        return next;
    }

    /** Seals open buffers, largest first, until half the byte budget would be left. */
    void sealLargest() {
        List<TableBuffer> all = new ArrayList<>();
        for (PartitionFlow f : flows.values()) {
            all.addAll(f.buffers());
        }
        all.sort((a, b) -> Long.compare(b.accountedBytes(), a.accountedBytes()));
        long left = budget.bytes();
        for (TableBuffer b : all) {
            if (left < budget.maxBytes() / 2) {
                break;
            }
            if (!b.isSealed() && !b.isReplay()) {
                flows.get(b.partition()).seal(b.target());
            }
            left -= b.accountedBytes();
        }
    }

    /**
     * Drops every buffer of the partitions feeding {@code table} and seeks them back to their
     * committable offset: their rows come again and are encoded for the table as it is now.
     */
    void rewind(TableId table) {
        for (PartitionFlow f : flows.values()) {
            if (f.feeds(table)) {
                Long committable = f.committable(); // before the rewind forgets the buffers it comes from
                seekBack(f, committable, f.rewind());
            }
        }
    }

    /**
     * Another task claimed a range of {@code flow}'s partition: its buffers are dropped, the
     * partition is sought back to its committable offset, and the claims are read again before its
     * next record, so it skips what the other task inserted and re-cuts that task's last range.
     */
    void reclaim(PartitionFlow flow) {
        Long committable = flow.committable();
        seekBack(flow, committable, flow.reclaim());
    }

    /** {@code flow} dropped its buffers: the budget gets them back and its records come again from {@code committable}. */
    private void seekBack(PartitionFlow flow, Long committable, Collection<TableBuffer> dropped) {
        budget.released(dropped);
        if (committable != null) {
            context.upstream().seek(flow.partition(), committable);
        }
        rewound.add(flow.partition());
    }

    /**
     * Per partition of {@code current}, the first offset whose row is not yet in ClickHouse, never
     * past what Connect counts as delivered: records of a batch it will deliver again may already be
     * in ClickHouse, but Connect would refuse such an offset.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            PartitionFlow f = flows.get(e.getKey());
            Long c = f == null ? null : f.committable();
            if (c != null) {
                out.put(e.getKey(), new OffsetAndMetadata(Math.min(c, e.getValue().offset())));
            }
        }
        return out;
    }

    /** Forgets the partition and its buffers (closed). */
    void remove(TopicPartition tp) {
        release(flows.remove(tp));
        rewound.remove(tp);
        lastPartition = null;
        lastFlow = null;
    }

    private void release(PartitionFlow flow) {
        if (flow != null) {
            budget.released(flow.buffers());
        }
    }

    void clear() {
        flows.clear();
        budget.clear();
        lastPartition = null;
        lastFlow = null;
    }
}
