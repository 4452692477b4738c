package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.ByteChunks;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.schema.ColumnPlan;
import io.streamingetl.clickhouse.schema.SchemaChange;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.state.Range;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Everything in flight for one topic partition, and every decision about one of its records: its
 * buffers per target (table on a shard), the next offset it expects, the ranges remembered from
 * before a restart, and what may be committed. No I/O happens here: rows are routed and planned
 * through the {@link Destination}, and {@link Inserter} inserts the buffers this class seals.
 *
 * <pre>
 * A buffer's life
 *   OPEN    rows are appended. A normal buffer is sealed when full (rows), too old, when the byte
 *           budget needs room, when its row format changes, or on close. A REPLAY buffer (it
 *           re-cuts a range remembered from before a restart) is sealed only once the partition's
 *           position has passed the end of that range: by its last offset, by any later record
 *           of the partition, or by the consumer position Connect passes to preCommit.
 *   SEALED  range and token fixed, no more rows. Inserted in seal order; a failed attempt leaves it
 *           sealed and the next attempt sends the same rows with the same token, so an insert that
 *           landed but was not confirmed is dropped by ClickHouse's deduplication.
 *   (gone)  ClickHouse confirmed it: its range becomes the target's remembered range.
 *
 * A record at offset o for target T ({@link #take})
 *   o &lt; next                              redelivered (after a RetriableException): skip
 *   replay buffers whose range ends &lt; o    sealed (the position passed them)
 *   tombstone, bad record                  accounted: next = o + 1 (bad records go to the DLQ)
 *   o &lt; remembered(T).first               inserted before the restart: skip, next = o + 1
 *   otherwise                              appended to T's open buffer, next = o + 1; that buffer is
 *                                          a replay buffer when o &le; remembered(T).last
 * next advances before any insert is attempted, so a failure during the insert can never lead to
 * the same record being appended twice. It does not advance when routing or planning the record
 * fails for a reason other than the record (ClickHouse unavailable): the record comes again.
 *
 * committable = the first offset of the oldest open or sealed buffer, else next.
 * </pre>
 */
final class PartitionFlow {
    /** What {@link #take} did with a record. */
    enum Taken { REDELIVERED, TOMBSTONE, ALREADY_INSERTED, APPENDED, SCHEMA_CHANGE }

    private final TopicPartition partition;
    private final FlowContext context;

    private long next = -1;
    private final Map<Target, TableBuffer> open = new LinkedHashMap<>();
    private final ArrayDeque<TableBuffer> sealed = new ArrayDeque<>();
    /** The last range confirmed (or, after a restart, attempted) per target. */
    private final Map<Target, Range> remembered = new HashMap<>();
    /** When each target last received an insert from this partition: the adaptive flush spaces them. */
    private final Map<Target, Long> lastInsertMs = new HashMap<>();
    private boolean rangesLoaded;
    /** Records of this partition went by, skipped after a rewind, in a batch Connect will count as delivered. */
    private boolean positionStale;
    /** A record of this partition was taken (not skipped for a rewind) in the batch in progress. */
    private boolean tookInBatch;
    private Target pendingSchemaChange;

    PartitionFlow(TopicPartition partition, FlowContext context) {
        this.partition = partition;
        this.context = context;
    }

    TopicPartition partition() {
        return partition;
    }

    boolean rangesLoaded() {
        return rangesLoaded;
    }

    void rangesLoaded(Map<Target, Range> ranges) {
        remembered.putAll(ranges);
        rangesLoaded = true;
    }

    /**
     * Takes the record: skips it as redelivered or already inserted, or appends its row to its
     * target's buffer (a replay buffer when a remembered range covers it), sealing what it
     * completes. A record that cannot be written is accounted and its DataException thrown.
     */
    Taken take(SinkRecord record) {
        tookInBatch = true;
        long offset = record.kafkaOffset();
        if (next >= 0 && offset < next) {
            return Taken.REDELIVERED;
        }
        positionReached(offset);
        boolean marker = SchemaChange.isMarker(record);
        if (record.value() == null && !marker) {
            next = offset + 1; // tombstones only serve log compaction; deletes arrive as rows with the delete flag
            return Taken.TOMBSTONE;
        }
        TableBuffer buffer;
        try {
            Target target = context.destination().target(record);
            if (target == null) {
                next = offset + 1; // a row of a table the source dropped since (schema.changes.drop.tables=drop)
                return Taken.TOMBSTONE;
            }
            if (insertedBefore(target, offset)) {
                next = offset + 1;
                return Taken.ALREADY_INSERTED;
            }
            if (marker) {
                // next stays: the marker is taken once it is applied (schemaChangeApplied), and comes
                // again with the batch if applying it fails.
                pendingSchemaChange = target;
                return Taken.SCHEMA_CHANGE;
            }
            ColumnPlan plan = context.destination().plan(record, target);
            buffer = bufferFor(target, plan.format(), offset);
            try {
                append(buffer, plan, record, offset);
            } catch (ColumnPlan.FieldException e) {
                // The column may have changed since the table was described (widened by an operator
                // to take this very value, then the record resent from the DLQ): look once more.
                if (!context.destination().describeAgain(target.table())) {
                    throw e;
                }
                plan = context.destination().plan(record, target);
                buffer = bufferFor(target, plan.format(), offset);
                append(buffer, plan, record, offset);
            }
        } catch (DataException e) {
            next = offset + 1;
            throw e;
        }
        next = offset + 1;
        // A replay buffer ends where its remembered range ends, never at the row limit: cut short, its
        // rest would come again under the same token and be dropped as a repeat.
        if (buffer.isReplay() ? offset >= buffer.rangeLast() : context.policy().full(buffer)) {
            seal(buffer.target());
        }
        return Taken.APPENDED;
    }

    /** The target of the schema-change marker {@link #take} returned SCHEMA_CHANGE for, until it is applied. */
    Target pendingSchemaChange() {
        return pendingSchemaChange;
    }

    /**
     * The marker at {@code offset} was applied: it counts as an inserted range of its target, so
     * the records before it are skipped on a replay, and the partition moves past it.
     */
    void schemaChangeApplied(long offset) {
        remembered.put(pendingSchemaChange, new Range(offset, offset));
        pendingSchemaChange = null;
        next = offset + 1;
    }

    /** Whether the row for {@code target} at {@code offset} was inserted in a range before a restart. */
    private boolean insertedBefore(Target target, long offset) {
        Range r = remembered.get(target);
        return r != null && offset < r.first();
    }

    /**
     * The open buffer of {@code target} for rows in {@code format}. A buffer of another format (the
     * plan changed) is sealed first. A new buffer whose first row is at {@code offset} replays the
     * remembered range when that range covers the offset.
     */
    private TableBuffer bufferFor(Target target, RowFormat format, long offset) {
        TableBuffer b = open.get(target);
        if (b != null && b.format() == format) {
            return b;
        }
        Range rest = b != null ? sealEarly(target) : null;
        b = new TableBuffer(context.connector(), target, partition, format, context.nowMs(), context.keepRecords());
        Range r = rest != null ? rest : remembered.get(target);
        if (r != null && offset <= r.last()) {
            b.replaying(r.first(), r.last());
        }
        open.put(target, b);
        return b;
    }

    private void append(TableBuffer b, ColumnPlan plan, SinkRecord record, long offset) {
        ByteChunks bytes = b.bytes();
        b.beginRow();
        try {
            plan.encode(record.value(), bytes);
        } catch (RuntimeException e) {
            bytes.resetToMark();
            throw e;
        } catch (IOException e) {
            bytes.resetToMark();
            throw new DataException(e.getMessage(), e);
        }
        b.rowAdded(offset, record);
        context.budget().grew(b);
    }

    /**
     * A record of this rewound partition was skipped, in a batch Connect will count as delivered
     * once put() returns: its position then runs past the offset the partition was sought back to
     * (the consumer re-reads from there), so until a batch this partition took from completes,
     * Connect's position says nothing about what was seen here.
     */
    void skippedAfterRewind() {
        positionStale = true;
    }

    /** The batch in progress completed: if this partition took records in it, Connect's position for it is true again. */
    void batchCompleted() {
        if (tookInBatch) {
            positionStale = false;
            tookInBatch = false;
        }
    }

    /** Whether the position Connect passes to preCommit tells what was seen here (see {@link #skippedAfterRewind}). */
    boolean connectPositionKnown() {
        return !positionStale;
    }

    /**
     * Everything below {@code position} has been seen (delivered, or dropped before put() by a
     * transform or the converter): replay buffers whose range ends before it are sealed, and the
     * expected offset moves up to it. Unknown after open or a rewind, it stays unknown: only a record
     * sets it then.
     */
    void positionReached(long position) {
        if (next >= 0 && position > next) {
            next = position;
        }
        for (Iterator<TableBuffer> it = open.values().iterator(); it.hasNext(); ) {
            TableBuffer b = it.next();
            if (b.isReplay() && b.rangeLast() < position) {
                it.remove();
                seal(b);
            }
        }
    }

    /**
     * Seals the open buffer of {@code target} before its time (its row format changed). A replay
     * buffer cut this way keeps its token and claim, and returns the rest of its range, which the
     * next buffer replays as a range of its own: its own token (reusing the cut one, ClickHouse would
     * drop it as a repeat) and its own claim, the newest of the key, so a restart re-cuts exactly
     * that rest. (If the first attempt before the restart had landed, that rest is written twice: a
     * table whose schema changes inside a replayed range is the one case of at-least-once.)
     */
    private Range sealEarly(Target target) {
        TableBuffer b = open.get(target);
        Range rest = b != null && b.isReplay() && !b.isEmpty() && b.lastOffset() < b.rangeLast()
                ? new Range(b.lastOffset() + 1, b.rangeLast()) : null;
        seal(target);
        return rest;
    }

    /** Seals the open buffer of {@code target}, if any. */
    void seal(Target target) {
        TableBuffer b = open.remove(target);
        if (b != null) {
            seal(b);
        }
    }

    private void seal(TableBuffer b) {
        if (b.isEmpty()) {
            return;
        }
        b.seal();
        sealed.addLast(b);
    }

    /** Seals the open buffers the policy says are due (adaptive, size, age). */
    void sealDue(long nowMs) {
        sealWhere(b -> context.policy().due(b, lastInsertMs(b.target()), nowMs));
    }

    /** Seals every open buffer but replay buffers, whose end is fixed (close: the next owner replays them). */
    void sealAll() {
        sealWhere(b -> true);
    }

    private void sealWhere(Predicate<TableBuffer> due) {
        List<Target> targets = new ArrayList<>();
        for (TableBuffer b : open.values()) {
            if (!b.isReplay() && due.test(b)) {
                targets.add(b.target());
            }
        }
        targets.forEach(this::seal);
    }

    /** The earliest time an open buffer here becomes due by time, or Long.MAX_VALUE. */
    long nextDueMs() {
        long due = Long.MAX_VALUE;
        for (TableBuffer b : open.values()) {
            if (!b.isReplay()) {
                due = Math.min(due, context.policy().dueAtMs(b, lastInsertMs(b.target())));
            }
        }
        return due;
    }

    private long lastInsertMs(Target target) {
        return lastInsertMs.getOrDefault(target, FlushPolicy.NEVER);
    }

    boolean hasSealed() {
        return !sealed.isEmpty();
    }

    /** The oldest sealed buffer, or null. */
    TableBuffer nextSealed() {
        return sealed.peekFirst();
    }

    /**
     * The oldest sealed buffer whose shard is not down, or null. Buffers of one target go in seal
     * order; those of a shard that is down wait without holding back the other shards.
     */
    TableBuffer nextSealed(IntPredicate down) {
        for (TableBuffer b : sealed) {
            if (!down.test(b.shard())) {
                return b;
            }
        }
        return null;
    }

    /** ClickHouse confirmed {@code b}, the oldest sealed buffer of its target. */
    void inserted(TableBuffer b, long nowMs) {
        boolean found = false;
        for (Iterator<TableBuffer> it = sealed.iterator(); it.hasNext() && !found; ) {
            TableBuffer s = it.next();
            if (s == b) {
                it.remove();
                found = true;
            } else if (s.target().equals(b.target())) {
                throw new IllegalStateException("inserted out of order: " + b.token() + " before " + s.token());
            }
        }
        if (!found) {
            throw new IllegalStateException("inserted a buffer that was not sealed: " + b.token());
        }
        remembered.put(b.target(), new Range(b.rangeFirst(), b.rangeLast()));
        lastInsertMs.put(b.target(), nowMs);
    }

    /** The first offset not yet in ClickHouse, or null when nothing was seen since open. */
    Long committable() {
        long min = Long.MAX_VALUE;
        for (TableBuffer b : sealed) {
            min = Math.min(min, b.firstOffset());
        }
        for (TableBuffer b : open.values()) {
            if (!b.isEmpty()) {
                min = Math.min(min, b.firstOffset());
            }
        }
        if (min != Long.MAX_VALUE) {
            return min;
        }
        return next >= 0 ? next : null;
    }

    /** Whether a buffer here (open or sealed) holds rows for {@code table}, on any shard. */
    boolean feeds(TableId table) {
        for (TableBuffer b : buffers()) {
            if (b.table().equals(table)) {
                return true;
            }
        }
        return false;
    }

    /** Every buffer, sealed ones first. */
    Collection<TableBuffer> buffers() {
        List<TableBuffer> all = new ArrayList<>(sealed);
        all.addAll(open.values());
        return all;
    }

    /**
     * Forgets every buffer and the expected offset: the partition is sought back to
     * {@link #committable()} and its records come again. Returns the dropped buffers. A sealed
     * buffer whose insert was attempted may be in ClickHouse already: its range becomes the
     * remembered one, as after a restart, so the records that come again re-cut exactly that range
     * under the same token (ClickHouse drops it if the attempt had landed).
     */
    Collection<TableBuffer> rewind() {
        for (TableBuffer b : sealed) {
            if (b.wasAttempted()) {
                remembered.put(b.target(), new Range(b.rangeFirst(), b.rangeLast()));
            }
        }
        Collection<TableBuffer> dropped = buffers();
        open.clear();
        sealed.clear();
        next = -1;
        pendingSchemaChange = null;
        tookInBatch = false; // what it took in this batch comes again
        return dropped;
    }

    /**
     * Forgets every buffer, the expected offset and the remembered ranges (another task's claims
     * replace them, read before the next record): the partition is sought back to
     * {@link #committable()}. Returns the dropped buffers.
     */
    Collection<TableBuffer> reclaim() {
        Collection<TableBuffer> dropped = rewind();
        remembered.clear();
        rangesLoaded = false;
        return dropped;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(partition + " next=" + next + " remembered=" + remembered);
        for (TableBuffer buf : buffers()) {
            b.append(" [").append(buf.target()).append(buf.isSealed() ? " sealed" : " open")
                    .append(buf.isReplay() ? " replay " + buf.rangeFirst() + "-" + buf.rangeLast() : "")
                    .append(" rows ").append(buf.firstOffset()).append("..").append(buf.lastOffset()).append(']');
        }
        return b.toString();
    }
}
