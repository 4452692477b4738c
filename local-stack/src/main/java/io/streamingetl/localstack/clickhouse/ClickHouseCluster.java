package io.streamingetl.localstack.clickhouse;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Several ClickHouse processes that form one sharded cluster, {@value #NAME}: one replica per
 * shard, each node knowing all of them through {@code <remote_servers>}, so a {@code Distributed}
 * table on any node reaches every shard over the native protocol. Replication cannot run here
 * (libchdb has no Keeper and no interserver listener): shards only.
 */
public final class ClickHouseCluster implements AutoCloseable {
    public static final String NAME = "local_cluster";

    private final List<ClickHouseServer> shards;

    private ClickHouseCluster(List<ClickHouseServer> shards) {
        this.shards = List.copyOf(shards);
    }

    /** {@code shardCount} nodes on free ports under {@code dir}, tied to this JVM. */
    public static ClickHouseCluster forTests(Path dir, int shardCount) {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            ports.add(new int[] {Ports.free(), Ports.free()});
        }
        return create(dir, ports, Lifetime.TIED);
    }

    /**
     * {@code shardCount} nodes for ./deploy.sh, outliving this JVM: shard i (from 1) serves HTTP on
     * {@code httpBase + i - 1} and native TCP on {@code tcpBase + i - 1}.
     */
    public static ClickHouseCluster detached(Path dir, int shardCount, int httpBase, int tcpBase) {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            ports.add(new int[] {httpBase + i, tcpBase + i});
        }
        return create(dir, ports, Lifetime.DETACHED);
    }

    private static ClickHouseCluster create(Path dir, List<int[]> ports, Lifetime lifetime) {
        StringBuilder remote = new StringBuilder("<remote_servers><" + NAME + ">");
        for (int[] p : ports) {
            remote.append("<shard><replica><host>127.0.0.1</host><port>").append(p[1]).append("</port></replica></shard>");
        }
        remote.append("</" + NAME + "></remote_servers>");
        List<ClickHouseServer> servers = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < ports.size(); i++) {
                // background_distributed_schedule_pool_size defaults to 0 threads in libchdb: without
                // it, inserts queued by a Distributed table never leave the node.
                Path config = Files.writeString(dir.resolve("shard-" + (i + 1) + "-config.xml"), "<clickhouse>"
                        + remote + "<macros><shard>" + (i + 1) + "</shard><replica>r1</replica></macros>"
                        + "<background_distributed_schedule_pool_size>4</background_distributed_schedule_pool_size>"
                        + "</clickhouse>\n");
                servers.add(new ClickHouseServer(dir.resolve("shard-" + (i + 1)), ports.get(i)[0], ports.get(i)[1],
                        lifetime, config.toAbsolutePath()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ClickHouseCluster(servers);
    }

    /**
     * The sink options that point a sink at this cluster: rows to each shard's local table, DDL on
     * every node (no Keeper here), plain MergeTree engines (no replication here).
     */
    public Map<String, String> sinkOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("clickhouse.url", "");
        options.put("cluster", NAME);
        options.put("cluster.shards", shards.stream().map(ClickHouseServer::httpUrl).collect(Collectors.joining(",")));
        options.put("cluster.ddl", "PER_NODE");
        options.put("cluster.replicated", "false");
        return options;
    }

    public ClickHouseCluster start() {
        shards.forEach(ClickHouseServer::start);
        return this;
    }

    /** Shard {@code i}, counted from 1 as ClickHouse counts them ({@code shardNum()}). */
    public ClickHouseServer shard(int i) {
        return shards.get(i - 1);
    }

    public int size() {
        return shards.size();
    }

    /** Runs {@code sql} on every node, e.g. the DDL of local tables (there is no ON CLUSTER here). */
    public void onEveryNode(String sql) {
        shards.forEach(s -> s.query(sql));
    }

    @Override
    public void close() {
        shards.forEach(ClickHouseServer::stop);
    }
}
