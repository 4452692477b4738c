package io.streamingetl.clickhouse.cluster;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import org.apache.kafka.connect.errors.RetriableException;

import java.util.List;

/**
 * One shard: the replicas that hold the same rows, tried in turn. Requests go to the current
 * replica; a transient failure moves to the next ({@link #failover}), so a replica that does not
 * answer costs one attempt, not the shard ({@link ShardHealth} keeps which shards answer).
 */
public final class Shard {
    private final int index;
    private final List<String> urls;
    private final List<Client> replicas;
    private int current;

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
        RetriableException unanswered = null;
        for (int tried = 0; tried < replicas.size(); tried++) {
            Client client = client();
            try {
                return ClickHouseErrors.call(what + " on " + endpoint(), () -> body.apply(client));
            } catch (RetriableException e) {
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

    @Override
    public String toString() {
        return "shard " + (index + 1) + " (" + String.join(" | ", urls) + ")";
    }
}
