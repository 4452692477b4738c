package io.streamingetl.clickhouse.buffer;

/** When a buffer is inserted: by rows, by age, or when the task's buffered bytes reach the limit. */
public record FlushPolicy(int maxRows, long maxBytes, long intervalMs) {
    public boolean full(TableBuffer b) {
        return b.rows() >= maxRows;
    }

    public boolean old(TableBuffer b, long nowMs) {
        return nowMs - b.createdMs() >= intervalMs;
    }

    public boolean overBytes(long totalBytes) {
        return totalBytes >= maxBytes;
    }
}
