package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;

import java.util.Collection;

/**
 * The heap all buffers of a task allocated (chunks and row index, not bytes written: what
 * buffer.max.bytes bounds) and the rows they hold. Buffers report their growth as rows are
 * appended and give it all back when they are inserted or dropped.
 */
final class BufferBudget {
    private final long maxBytes;
    private long bytes;
    private long rows;

    BufferBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A row was appended to {@code b}. */
    void grew(TableBuffer b) {
        bytes += b.newlyAllocated();
        rows++;
    }

    /** {@code b} was inserted or dropped. */
    void released(TableBuffer b) {
        bytes -= b.accountedBytes();
        rows -= b.rows();
    }

    void released(Collection<TableBuffer> dropped) {
        dropped.forEach(this::released);
    }

    boolean full() {
        return bytes >= maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    long bytes() {
        return bytes;
    }

    long rows() {
        return rows;
    }

    void clear() {
        bytes = 0;
        rows = 0;
    }
}
