package io.streamingetl.clickhouse.config;

import java.util.List;

/**
 * Where rows go: one server, or the shards of a cluster (each a list of replica URLs), and how DDL
 * reaches the nodes.
 *
 * @param shards      the replica URLs of each shard; one shard of clickhouse.url without cluster.shards
 * @param sharded     whether rows go to the shards' local tables (cluster.shards set)
 * @param cluster     the cluster name as in remote_servers; empty: none
 * @param shardingKey columns whose cityHash64 picks a row's shard; empty: the sorting key
 */
public record ClusterSettings(List<List<String>> shards, boolean sharded, String cluster, Ddl ddl,
                              boolean replicated, String replicaPath, String replicaName, String localSuffix,
                              List<String> shardingKey) {
    /** How DDL reaches the nodes of a cluster. */
    public enum Ddl { ON_CLUSTER, PER_NODE }

    public ClusterSettings {
        shards = shards.stream().map(List::copyOf).toList();
        shardingKey = List.copyOf(shardingKey);
    }

    /** The first server: clickhouse.url, or the first replica of the first shard. */
    public String firstUrl() {
        return shards.get(0).get(0);
    }
}
