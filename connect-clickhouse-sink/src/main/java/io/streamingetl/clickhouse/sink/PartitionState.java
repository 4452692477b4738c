package io.streamingetl.clickhouse.sink;

import io.streamingetl.clickhouse.buffer.FlushPolicy;
import io.streamingetl.clickhouse.buffer.Target;
import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.route.TableId;
import io.streamingetl.clickhouse.write.Range;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Everything in flight for one topic partition: its buffers per table, the next offset it expects,
 * the ranges remembered from before a restart, and what may be committed. The task only dispatches
 * Connect's calls to it; all I/O happens in the task, on the buffers this class seals.
 *
 * <pre>
 * A buffer's life
 *   OPEN    rows are appended. A normal buffer is sealed when full (rows), too old, when the byte
 *           budget needs room, when its column plan changes, or on close. A REPLAY buffer (it
 *           re-cuts a range remembered from before a restart) is sealed only once the partition's
 *           position has passed the end of that range: by its last offset, by any later record
 *           of the partition, or by the consumer position Connect passes to preCommit.
 *   SEALED  range and token fixed, no more rows. Inserted in seal order; a failed attempt leaves it
 *           sealed and the next attempt sends the same rows with the same token, so an insert that
 *           landed but was not confirmed is dropped by ClickHouse's deduplication.
 *   (gone)  ClickHouse confirmed it: its range becomes the table's remembered range.
 *
 * A record at offset o for table T
 *   o &lt; next                              redelivered (after a RetriableException): skip
 *   replay buffers whose range ends &lt; o    sealed (the position passed them)
 *   tombstone, bad record                  accounted: next = o + 1 (bad records go to the DLQ)
 *   o &lt; remembered(T).first               inserted before the restart: skip, next = o + 1
 *   otherwise                              appended to T's open buffer, next = o + 1; that buffer is
 *                                          a replay buffer when o &le; remembered(T).last
 * next advances before any insert is attempted, so a failure during the insert can never lead to
 * the same record being appended twice.
 *
 * committable = the first offset of the oldest open or sealed buffer, else next.
 * </pre>
 */
final class PartitionState {
    private final TopicPartition partition;
    private long next = -1;
    private final Map<Target, TableBuffer> open = new LinkedHashMap<>();
    private final ArrayDeque<TableBuffer> sealed = new ArrayDeque<>();
    /** The last range confirmed (or, after a restart, attempted) per table. */
    private final Map<Target, Range> remembered = new HashMap<>();
    /** Tables whose replay buffer had to be cut before its range ended: the rest is not replayed. */
    private final java.util.Set<Target> replayCut = new java.util.HashSet<>();
    /** When each table last received an insert from this partition: the adaptive flush spaces them. */
    private final Map<Target, Long> lastInsertMs = new HashMap<>();
    private boolean rangesLoaded;

    PartitionState(TopicPartition partition) {
        this.partition = partition;
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

    /** Whether {@code offset} was handled already: Connect redelivers a batch after a RetriableException. */
    boolean redelivered(long offset) {
        return next >= 0 && offset < next;
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

    /** The record at {@code offset} is taken care of (buffered, skipped or sent to the DLQ). */
    void accounted(long offset) {
        next = offset + 1;
    }

    /** A row for {@code table} at {@code offset} was inserted in a range before a restart. */
    boolean insertedBefore(Target table, long offset) {
        Range r = remembered.get(table);
        return r != null && offset < r.first();
    }

    /** The open buffer of {@code table}, or null. */
    TableBuffer open(Target table) {
        return open.get(table);
    }

    /**
     * A new open buffer for {@code table} whose first row is at {@code offset}: a replay buffer of the
     * remembered range when that range covers the offset.
     */
    TableBuffer openNew(TableBuffer fresh, long offset) {
        Range r = remembered.get(fresh.target());
        if (r != null && offset <= r.last() && !replayCut.contains(fresh.target())) {
            fresh.replaying(r.first(), r.last());
        }
        TableBuffer previous = open.put(fresh.target(), fresh);
        if (previous != null) {
            throw new IllegalStateException("two open buffers for " + fresh.table() + " " + partition);
        }
        return fresh;
    }

    /** After a row at {@code offset} went into {@code b}: a replay buffer ends at its range's last offset. */
    void rowAdded(TableBuffer b, long offset) {
        accounted(offset);
        if (b.isReplay() && offset >= b.rangeLast()) {
            seal(b.target());
        }
    }

    /**
     * Seals the open buffer of {@code table} before its time (its column plan changed). A replay
     * buffer cut this way keeps its token; the rest of its range then goes into normal buffers with
     * tokens of their own: were they to reuse the replay token, ClickHouse would drop them as a
     * repeat. (If the first attempt before the restart had landed, that rest is written twice: a
     * table whose schema changes inside a replayed range is the one case of at-least-once.)
     */
    void sealEarly(Target table) {
        TableBuffer b = open.get(table);
        if (b != null && b.isReplay()) {
            replayCut.add(table);
        }
        seal(table);
    }

    /** Seals the open buffer of {@code table}, if any. */
    void seal(Target table) {
        TableBuffer b = open.remove(table);
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
    void sealDue(FlushPolicy policy, long nowMs) {
        sealWhere(b -> policy.due(b, lastInsertMs(b.target()), nowMs));
    }

    /** The earliest time an open buffer here becomes due by time, or Long.MAX_VALUE. */
    long nextDueMs(FlushPolicy policy) {
        long next = Long.MAX_VALUE;
        for (TableBuffer b : open.values()) {
            if (!b.isReplay()) {
                next = Math.min(next, policy.dueAtMs(b, lastInsertMs(b.target())));
            }
        }
        return next;
    }

    private long lastInsertMs(Target table) {
        return lastInsertMs.getOrDefault(table, FlushPolicy.NEVER);
    }

    /** Seals every open buffer that {@code due} selects, except replay buffers, whose end is fixed. */
    void sealWhere(Predicate<TableBuffer> due) {
        List<Target> tables = new ArrayList<>();
        for (TableBuffer b : open.values()) {
            if (!b.isReplay() && due.test(b)) {
                tables.add(b.target());
            }
        }
        tables.forEach(this::seal);
    }

    /** The oldest sealed buffer, or null. */
    TableBuffer nextSealed() {
        return sealed.peekFirst();
    }

    /**
     * The oldest sealed buffer whose shard is not in {@code down}, or null. Buffers of one target
     * go in seal order; those of a shard that is down wait without holding back the other shards.
     */
    TableBuffer nextSealed(java.util.Set<Integer> down) {
        if (down.isEmpty()) {
            return sealed.peekFirst();
        }
        for (TableBuffer b : sealed) {
            if (!down.contains(b.shard())) {
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

    /** Whether {@code table} has a buffer here (open or sealed). */
    boolean feeds(TableId table) {
        if (open.containsKey(table)) {
            return true;
        }
        for (TableBuffer b : sealed) {
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
     * {@link #committable()} and its records come again. Returns the dropped buffers.
     */
    Collection<TableBuffer> rewind() {
        Collection<TableBuffer> dropped = buffers();
        open.clear();
        sealed.clear();
        next = -1;
        return dropped;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(partition + " next=" + next + " remembered=" + remembered);
        for (TableBuffer buf : buffers()) {
            b.append(" [").append(buf.target()).append(buf.isSealed() ? " sealed" : " open").append(buf.isReplay() ? " replay " + buf.rangeFirst() + "-" + buf.rangeLast() : "")
                    .append(" rows ").append(buf.firstOffset()).append("..").append(buf.lastOffset()).append(']');
        }
        return b.toString();
    }
}
