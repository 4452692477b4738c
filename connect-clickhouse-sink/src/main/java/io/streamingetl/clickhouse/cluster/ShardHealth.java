package io.streamingetl.clickhouse.cluster;

import java.util.Arrays;
import java.util.List;

/**
 * Which shards answer. A shard whose every attempt failed is <em>down</em> for a backoff that
 * doubles while it stays down (from the first backoff up to the largest): the task then inserts
 * the other shards' rows and keeps this shard's buffers until it answers again.
 */
public final class ShardHealth {
    private final List<String> names;
    private final long[] downUntilMs;
    private final long[] backoffMs;
    private final long firstBackoffMs;
    private final long maxBackoffMs;

    /** @param names how log lines name each shard */
    public ShardHealth(List<String> names, long firstBackoffMs, long maxBackoffMs) {
        this.names = List.copyOf(names);
        this.downUntilMs = new long[names.size()];
        this.backoffMs = new long[names.size()];
        this.firstBackoffMs = Math.max(1, firstBackoffMs);
        this.maxBackoffMs = maxBackoffMs;
    }

    public int count() {
        return downUntilMs.length;
    }

    public String name(int shard) {
        return names.get(shard);
    }

    public boolean isDown(int shard, long nowMs) {
        return nowMs < downUntilMs[shard];
    }

    public boolean anyDown(long nowMs) {
        return Arrays.stream(downUntilMs).anyMatch(until -> nowMs < until);
    }

    /** The earliest time a shard that is down is tried again, or Long.MAX_VALUE when none is. */
    public long nextRetryMs() {
        return Arrays.stream(downUntilMs).filter(until -> until > 0).min().orElse(Long.MAX_VALUE);
    }

    /** Every replica of {@code shard} failed: skip it until the backoff passes. */
    public void markDown(int shard, long nowMs) {
        backoffMs[shard] = backoffMs[shard] == 0 ? firstBackoffMs : Math.min(maxBackoffMs, backoffMs[shard] * 2);
        downUntilMs[shard] = nowMs + backoffMs[shard];
    }

    public void markUp(int shard) {
        backoffMs[shard] = 0;
        downUntilMs[shard] = 0;
    }
}
