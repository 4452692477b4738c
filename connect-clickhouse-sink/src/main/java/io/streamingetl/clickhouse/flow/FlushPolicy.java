package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.config.BufferSettings;

/**
 * When a buffer is sealed for its insert: when full (rows), when old (age), and, adaptively, as
 * soon as its table last received an insert from its partition at least {@code minInsertIntervalMs} ago: a lone change goes in at once, while under load each
 * table gets at most one insert per interval and partition, which bounds ClickHouse's parts.
 * A negative {@code minInsertIntervalMs} leaves only the size and age bounds.
 */
record FlushPolicy(int maxRows, long intervalMs, long minInsertIntervalMs) {
    /** For a table that had no insert yet from the partition. */
    static final long NEVER = Long.MIN_VALUE / 2;

    static FlushPolicy of(BufferSettings buffering) {
        return new FlushPolicy(buffering.maxRows(), buffering.flushIntervalMs(), buffering.minInsertIntervalMs());
    }

    boolean full(TableBuffer b) {
        return b.rows() >= maxRows;
    }

    boolean old(TableBuffer b, long nowMs) {
        return nowMs - b.createdMs() >= intervalMs;
    }

    /** Whether {@code b} should be inserted now, its table's previous insert from its partition having been at {@code lastInsertMs}. */
    boolean due(TableBuffer b, long lastInsertMs, long nowMs) {
        return full(b) || old(b, nowMs) || (minInsertIntervalMs >= 0 && nowMs - lastInsertMs >= minInsertIntervalMs);
    }

    /** When {@code b} becomes due by time alone: the task asks Connect to call it again then. */
    long dueAtMs(TableBuffer b, long lastInsertMs) {
        long byAge = b.createdMs() + intervalMs;
        return minInsertIntervalMs < 0 ? byAge : Math.min(byAge, lastInsertMs + minInsertIntervalMs);
    }
}
