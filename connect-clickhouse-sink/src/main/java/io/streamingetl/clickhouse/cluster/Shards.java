package io.streamingetl.clickhouse.cluster;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.client.ClickHouseClients;
import io.streamingetl.clickhouse.config.ClusterSettings;
import io.streamingetl.clickhouse.config.ConnectionSettings;
import io.streamingetl.clickhouse.sql.TableId;

import java.util.ArrayList;
import java.util.List;

/**
 * The servers the sink writes to: one server at clickhouse.url, or the shards of cluster.shards.
 * Sharded, rows of table {@code db.t} go into the local table {@code db.t_local} of their shard, and
 * {@code db.t} is the Distributed table over them.
 */
public final class Shards implements AutoCloseable {
    private final List<Shard> shards;
    private final boolean sharded;
    private final String localSuffix;

    private Shards(List<Shard> shards, boolean sharded, String localSuffix) {
        this.shards = List.copyOf(shards);
        this.sharded = sharded;
        this.localSuffix = localSuffix;
    }

    public static Shards connect(ClusterSettings cluster, ConnectionSettings connection) {
        List<Shard> out = new ArrayList<>();
        List<List<String>> urls = cluster.shards();
        for (int i = 0; i < urls.size(); i++) {
            List<Client> clients = new ArrayList<>();
            for (String url : urls.get(i)) {
                clients.add(ClickHouseClients.build(connection, url));
            }
            out.add(new Shard(i, urls.get(i), clients));
        }
        return new Shards(out, cluster.sharded(), cluster.localSuffix());
    }

    public int count() {
        return shards.size();
    }

    public Shard get(int index) {
        return shards.get(index);
    }

    public List<Shard> all() {
        return shards;
    }

    /** Whether rows go to local tables of the shards (cluster.shards set), not to one server's table. */
    public boolean sharded() {
        return sharded;
    }

    /** The table rows of {@code table} are inserted into on a shard. */
    public TableId local(TableId table) {
        return sharded ? new TableId(table.database(), table.table() + localSuffix) : table;
    }

    /** The first server (first shard, current replica): where cluster-wide reads and ON CLUSTER DDL go. */
    public Client first() {
        return shards.get(0).client();
    }

    @Override
    public void close() {
        for (Shard s : shards) {
            s.replicas().forEach(Client::close);
        }
    }
}
