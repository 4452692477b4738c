package io.streamingetl.clickhouse.buffer;

/**
 * When a buffer is inserted: when full (rows), when old (age), when the task's buffered bytes reach
 * the limit, and, adaptively, as soon as its table last received an insert from its partition at
 * least {@code minInsertIntervalMs} ago: a lone change goes in at once, while under load each
 * table gets at most one insert per interval and partition, which bounds ClickHouse's parts.
 * A negative {@code minInsertIntervalMs} leaves only the size and age bounds.
 */
public record FlushPolicy(int maxRows, long maxBytes, long intervalMs, long minInsertIntervalMs) {
    /** For a table that had no insert yet from the partition. */
    public static final long NEVER = Long.MIN_VALUE / 2;

    public boolean full(TableBuffer b) {
        return b.rows() >= maxRows;
    }

    public boolean old(TableBuffer b, long nowMs) {
        return nowMs - b.createdMs() >= intervalMs;
    }

    public boolean overBytes(long totalBytes) {
        return totalBytes >= maxBytes;
    }

    /** Whether {@code b} should be inserted now, its table's previous insert from its partition having been at {@code lastInsertMs}. */
    public boolean due(TableBuffer b, long lastInsertMs, long nowMs) {
        return full(b) || old(b, nowMs) || minInsertIntervalMs >= 0 && nowMs - lastInsertMs >= minInsertIntervalMs;
    }

    /** When {@code b} becomes due by time alone: the task asks Connect to call it again then. */
    public long dueAtMs(TableBuffer b, long lastInsertMs) {
        long byAge = b.createdMs() + intervalMs;
        return minInsertIntervalMs < 0 ? byAge : Math.min(byAge, lastInsertMs + minInsertIntervalMs);
    }
}
