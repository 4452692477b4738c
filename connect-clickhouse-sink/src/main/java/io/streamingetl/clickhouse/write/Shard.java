package io.streamingetl.clickhouse.write;

import com.clickhouse.client.api.Client;

import java.util.List;

/**
 * One shard: the replicas that hold the same rows, tried in turn. Requests go to the current
 * replica; a transient failure moves to the next ({@link #failover}), so a replica that does not
 * answer costs one attempt, not the shard. A shard whose every attempt failed is <em>down</em> for a
 * backoff that doubles while it stays down: the task then inserts the other shards' rows and keeps
 * this shard's buffers until it answers again.
 */
public final class Shard {
    private final int index;
    private final List<String> urls;
    private final List<Client> replicas;
    private int current;
    private long downUntilMs;
    private long backoffMs;

    Shard(int index, List<String> urls, List<Client> replicas) {
        this.index = index;
        this.urls = List.copyOf(urls);
        this.replicas = List.copyOf(replicas);
    }

    /** Counted from 0, in the order of cluster.shards (ClickHouse's shardNum() is this + 1). */
    public int index() {
        return index;
    }

    public Client client() {
        return replicas.get(current);
    }

    public String endpoint() {
        return urls.get(current);
    }

    /** Every replica's client, for DDL that each node runs itself. */
    public List<Client> replicas() {
        return replicas;
    }

    public List<String> urls() {
        return urls;
    }

    /**
     * A read or a small statement on this shard: on its current replica, and on the next ones in
     * turn while they do not answer. Throws like {@link ClickHouseErrors#call} once none did.
     */
    public <T> T call(String what, java.util.function.Function<Client, T> body) {
        org.apache.kafka.connect.errors.RetriableException unanswered = null;
        for (int tried = 0; tried < replicas.size(); tried++) {
            Client client = client();
            try {
                return ClickHouseErrors.call(what + " on " + endpoint(), () -> body.apply(client));
            } catch (org.apache.kafka.connect.errors.RetriableException e) {
                unanswered = e;
                failover();
            }
        }
        throw unanswered;
    }

    /** The next request goes to the next replica; returns false when there is no other. */
    public boolean failover() {
        if (replicas.size() < 2) {
            return false;
        }
        current = (current + 1) % replicas.size();
        return true;
    }

    /** Until when this shard is skipped, or 0 when it is up. */
    public long downUntilMs() {
        return downUntilMs;
    }

    public boolean isDown(long nowMs) {
        return nowMs < downUntilMs;
    }

    /** Every replica failed: skip this shard until the backoff passes. */
    public void markDown(long nowMs, long firstBackoffMs, long maxBackoffMs) {
        backoffMs = backoffMs == 0 ? Math.max(1, firstBackoffMs) : Math.min(maxBackoffMs, backoffMs * 2);
        downUntilMs = nowMs + backoffMs;
    }

    public void markUp() {
        backoffMs = 0;
        downUntilMs = 0;
    }

    @Override
    public String toString() {
        return "shard " + (index + 1) + " (" + String.join(" | ", urls) + ")";
    }
}
