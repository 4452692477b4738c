package io.streamingetl.clickhouse.buffer;

import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encoded rows for one table from one topic partition, in offset order, all in one {@link RowFormat}.
 * One buffer becomes one INSERT whose token names the connector, the table, the partition and the
 * buffer's <em>range</em>: the offsets of its first and last row, or, for a buffer replaying a range
 * remembered from before a restart, that remembered range.
 *
 * <p>OPEN while rows are appended; {@link #seal()} fixes its range and token for good, so every
 * attempt to insert it (after a timeout, a lost response, a restart) sends the same rows under the
 * same token. Row boundaries are kept so that a block the server rejects can be split to find the
 * rows it refuses ({@link #slice}).
 */
public final class TableBuffer implements InsertBlock {
    private final String connector;
    private final Target target;
    private final TableId table;
    private final TopicPartition partition;
    private final RowFormat format;
    private final ByteChunks bytes = new ByteChunks();
    private final long createdMs;
    /** Byte position where each row starts, and each row's offset. */
    private long[] rowStart = new long[16];
    private long[] rowOffset = new long[16];
    /** The records behind the rows, kept only when rejected rows can go to a dead letter queue. */
    private final List<SinkRecord> records;
    private int rows;
    /** The range the token covers: set by {@link #replaying} or at {@link #seal()}. */
    private long rangeFirst = -1;
    private long rangeLast = -1;
    private boolean sealed;
    private long accounted;
    private long sealedMs;
    private boolean replay;
    private boolean attempted;

    public TableBuffer(String connector, Target target, TopicPartition partition, RowFormat format, long nowMs,
                       boolean keepRecords) {
        this.connector = connector;
        this.target = target;
        this.table = target.table();
        this.partition = partition;
        this.format = format;
        this.createdMs = nowMs;
        this.records = keepRecords ? new ArrayList<>() : null;
    }

    /** This buffer re-cuts a range inserted (or attempted) before a restart: its token covers exactly that range. */
    public TableBuffer replaying(long first, long last) {
        rangeFirst = first;
        rangeLast = last;
        replay = true;
        return this;
    }

    /** Whether this buffer re-cuts a remembered range (its range is fixed from the start). */
    public boolean isReplay() {
        return replay;
    }

    public ByteChunks bytes() {
        return bytes;
    }

    /** Call before encoding a row: where it starts. */
    public void beginRow() {
        bytes.mark();
    }

    /** The row encoded since {@link #beginRow()} is complete. */
    public void rowAdded(long offset, SinkRecord record) {
        if (sealed) {
            throw new IllegalStateException("sealed buffer " + token() + " cannot take offset " + offset);
        }
        if (rows == rowStart.length) {
            rowStart = Arrays.copyOf(rowStart, rows * 2);
            rowOffset = Arrays.copyOf(rowOffset, rows * 2);
        }
        rowStart[rows] = bytes.markPosition();
        rowOffset[rows] = offset;
        rows++;
        if (records != null) {
            records.add(record);
        }
    }

    /** Fixes the range (unless replaying a remembered one) and the token; no rows can be added after. */
    public void seal() {
        if (sealed) {
            return;
        }
        if (!replay) {
            rangeFirst = firstOffset();
            rangeLast = lastOffset();
        }
        sealed = true;
        sealedMs = System.currentTimeMillis();
    }

    /**
     * An insert of this buffer was started: its range was (or is about to be) remembered as the
     * intent, and its rows may be in ClickHouse whatever the answer.
     */
    public void attempted() {
        attempted = true;
    }

    public boolean wasAttempted() {
        return attempted;
    }

    /** When it was sealed (epoch ms), for the timeline log. */
    public long sealedMs() {
        return sealedMs;
    }

    public boolean isSealed() {
        return sealed;
    }

    /** The range the token covers (after {@link #seal()}, or of a replay buffer). */
    public long rangeFirst() {
        return rangeFirst;
    }

    public long rangeLast() {
        return rangeLast;
    }

    @Override
    public TableId table() {
        return table;
    }

    public Target target() {
        return target;
    }

    @Override
    public int shard() {
        return target.shard();
    }

    @Override
    public TopicPartition partition() {
        return partition;
    }

    @Override
    public RowFormat format() {
        return format;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public long sizeBytes() {
        return bytes.size();
    }

    /** Heap this buffer allocated: its chunks and its row index (the kept records are not counted). */
    public long allocatedBytes() {
        return bytes.capacity() + 16L * rowStart.length;
    }

    /** Allocation since the last call: the task adds it to its budget as the buffer grows. */
    public long newlyAllocated() {
        long now = allocatedBytes();
        long delta = now - accounted;
        accounted = now;
        return delta;
    }

    /** What {@link #newlyAllocated()} has handed out: the task gives it back when the buffer goes. */
    public long accountedBytes() {
        return accounted;
    }

    @Override
    public long firstOffset() {
        return rows == 0 ? -1 : rowOffset[0];
    }

    @Override
    public long lastOffset() {
        return rows == 0 ? -1 : rowOffset[rows - 1];
    }

    public long offsetOf(int row) {
        return rowOffset[row];
    }

    /** The record behind a row, or null when records are not kept. */
    public SinkRecord recordOf(int row) {
        return records == null ? null : records.get(row);
    }

    public long createdMs() {
        return createdMs;
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    @Override
    public String token() {
        if (!sealed) {
            throw new IllegalStateException("the token of " + table + " " + partition + " is fixed only when sealed");
        }
        return token(rangeFirst, rangeLast);
    }

    private String token(long first, long last) {
        // The target names the shard (after the first), so each shard's inserts carry tokens of their own.
        return connector + "|" + target + "|" + partition.topic() + "|" + partition.partition() + "|" + first + "-" + last;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        bytes.writeTo(out);
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive) as their own block, whose token names the
     * sub-range of offsets inside this buffer's range: splitting the same sealed buffer the same way
     * gives the same tokens again.
     */
    public InsertBlock slice(int from, int to) {
        if (!sealed || from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("slice " + from + ".." + to + " of " + rows + " rows");
        }
        if (from == 0 && to == rows) {
            return this;
        }
        long start = rowStart[from];
        long end = to == rows ? bytes.size() : rowStart[to];
        long first = rowOffset[from];
        long last = rowOffset[to - 1];
        return new Slice(this, start, end, to - from, first, last, token(rangeFirst, rangeLast) + "/" + first + "-" + last);
    }

    /** Some rows of a sealed buffer, inserted on their own (the server refused others of the block). */
    private record Slice(TableBuffer parent, long start, long end, int rows, long firstOffset, long lastOffset,
                         String token) implements InsertBlock {
        @Override
        public TableId table() {
            return parent.table;
        }

        @Override
        public int shard() {
            return parent.shard();
        }

        @Override
        public TopicPartition partition() {
            return parent.partition;
        }

        @Override
        public RowFormat format() {
            return parent.format;
        }

        @Override
        public long sizeBytes() {
            return end - start;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            parent.bytes.writeTo(out, start, end);
        }
    }
}
