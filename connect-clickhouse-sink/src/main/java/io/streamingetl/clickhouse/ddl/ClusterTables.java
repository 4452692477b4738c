package io.streamingetl.clickhouse.ddl;

import io.streamingetl.clickhouse.sql.Sql;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a sharded table alike on every node before the sink uses it. DDL per node is not atomic: a
 * crash or a node that was down can leave one node without the table, or without a column the
 * others got. Each node is compared with the union of all nodes: a missing local or Distributed
 * table is created from a node that has it ({@code SHOW CREATE TABLE}), a missing column is added
 * with the type the others have, and a column whose type differs between nodes stops the task with
 * both nodes named (which type is right is the user's call). The Distributed table's sharding
 * expression must be the one the sink routes by, or rows would sit on shards other than where
 * the Distributed table expects them.
 */
final class ClusterTables {
    private final Shards shards;
    private final DdlBuilder ddl;
    private final TableManager tables;
    private final List<String> configuredKey;

    private record Node(Client client, String url) {
    }

    ClusterTables(Shards shards, DdlBuilder ddl, TableManager tables, List<String> configuredKey) {
        this.shards = shards;
        this.ddl = ddl;
        this.tables = tables;
        this.configuredKey = List.copyOf(configuredKey);
    }

    /** cluster.sharding.key, else the sorting-key columns of the local table, in table order. */
    List<String> shardingKey(TableDescription local) {
        List<String> key = new ArrayList<>();
        for (ColumnInfo c : local.columns()) {
            if (c.sortKey()) {
                key.add(c.name());
            }
        }
        return checked(local.id(), key);
    }

    /** The same for a table about to be created. */
    List<String> shardingKey(DdlBuilder.TableSpec spec) {
        List<String> key = new ArrayList<>();
        for (DdlBuilder.ColumnDef c : spec.columns()) {
            if (spec.orderBy().contains(c.name())) {
                key.add(c.name());
            }
        }
        return checked(null, key);
    }

    private List<String> checked(TableId table, List<String> sortKey) {
        List<String> key = configuredKey.isEmpty() ? sortKey : configuredKey;
        if (key.isEmpty()) {
            // Rows must go to the same shard on a replay, so the shard cannot be random.
            throw new ConnectException("sharded table " + (table == null ? "" : table + " ") + "has no sorting key to "
                    + "shard by: set cluster.sharding.key (or table.order.by, or give the topic a key)");
        }
        return key;
    }

    /**
     * The local table's columns once every node that answers has them, or null when no node has
     * the table. A replica that does not answer is left out while its shard has another that does.
     */
    TableDescription reconcile(TableId id) {
        TableId local = shards.local(id);
        List<Node> nodes = new ArrayList<>();
        List<TableDescription> locals = new ArrayList<>();
        List<TableDescription> dists = new ArrayList<>();
        for (Shard shard : shards.all()) {
            RetriableException unanswered = null;
            int answered = 0;
            for (int r = 0; r < shard.replicas().size(); r++) {
                Node n = new Node(shard.replicas().get(r), shard.urls().get(r));
                try {
                    TableDescription l = tables.describe(n.client(), local);
                    TableDescription d = tables.describe(n.client(), id);
                    nodes.add(n);
                    locals.add(l);
                    dists.add(d);
                    answered++;
                } catch (RetriableException e) {
                    unanswered = e;
                }
            }
            if (answered == 0) {
                throw unanswered;
            }
        }
        Node source = null;
        for (int i = 0; i < nodes.size() && source == null; i++) {
            if (locals.get(i) != null) {
                source = nodes.get(i);
            }
        }
        if (source == null) {
            return null;
        }
        Map<String, ColumnInfo> union = union(local, nodes, locals);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (locals.get(i) == null) {
                tables.execute(n.client(), " on " + n.url() + " (missing there)", showCreate(source, local));
            } else {
                addMissing(n, local, locals.get(i), union);
            }
        }
        TableDescription agreed = tables.describe(source.client(), local);
        List<String> key = shardingKey(agreed);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (dists.get(i) == null) {
                tables.execute(n.client(), " on " + n.url() + " (missing there)", ddl.createDistributed(id, local, key));
            } else {
                addMissing(n, id, dists.get(i), union);
            }
            requireShardingKey(n, id, key);
        }
        return agreed;
    }

    /** Every column any node has, in the first order seen; a column typed differently on two nodes stops here. */
    private static Map<String, ColumnInfo> union(TableId table, List<Node> nodes, List<TableDescription> descs) {
        Map<String, ColumnInfo> union = new LinkedHashMap<>();
        Map<String, String> seenOn = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            TableDescription d = descs.get(i);
            if (d == null) {
                continue;
            }
            for (ColumnInfo c : d.columns()) {
                ColumnInfo before = union.putIfAbsent(c.name(), c);
                if (before == null) {
                    seenOn.put(c.name(), nodes.get(i).url());
                } else if (!before.type().equals(c.type())) {
                    throw new ConnectException("column " + c.name() + " of " + table + " is " + before.type() + " on "
                            + seenOn.get(c.name()) + " but " + c.type() + " on " + nodes.get(i).url()
                            + "; make the nodes agree (ALTER TABLE ... MODIFY COLUMN on the one that is wrong), "
                            + "then restart the task");
                }
            }
        }
        return union;
    }

    private void addMissing(Node n, TableId table, TableDescription has, Map<String, ColumnInfo> union) {
        String previous = null;
        for (ColumnInfo c : union.values()) {
            if (has.column(c.name()) == null && c.insertable()) {
                String sql = ddl.addColumn(table, c.name(), c.type())
                        + (previous == null ? " FIRST" : " AFTER " + Sql.quote(previous));
                tables.execute(n.client(), " on " + n.url() + " (column missing there)", sql);
            }
            previous = c.name();
        }
    }

    private static String showCreate(Node source, TableId table) {
        List<GenericRecord> rows = ClickHouseErrors.call("SHOW CREATE TABLE " + table + " on " + source.url(),
                () -> source.client().queryAll("SHOW CREATE TABLE " + table.quoted()));
        return rows.get(0).getString(1);
    }

    /** The Distributed table on {@code n} shards by the same cityHash64 the sink routes by. */
    private static void requireShardingKey(Node n, TableId dist, List<String> key) {
        List<GenericRecord> rows = ClickHouseErrors.call("read the engine of " + dist + " on " + n.url(),
                () -> n.client().queryAll("SELECT engine, engine_full FROM system.tables WHERE database = {db:String}"
                        + " AND name = {t:String}", Map.of("db", dist.database(), "t", dist.table())));
        if (rows.isEmpty()) {
            return;
        }
        String engine = rows.get(0).getString("engine");
        String full = rows.get(0).getString("engine_full");
        String expected = DdlBuilder.shardingExpression(key);
        if (!engine.equals("Distributed") || !normalized(full).contains(normalized(expected))) {
            throw new ConnectException("table " + dist + " on " + n.url() + " is " + full + ", but the sink writes "
                    + "rows straight to the shards by " + expected + " (" + "cluster.sharding.key" + "); a "
                    + "Distributed table sharding otherwise would look for rows on other shards. Recreate it "
                    + "with that sharding expression or set cluster.sharding.key to its columns");
        }
    }

    private static String normalized(String sql) {
        return sql.replace("`", "").replace(" ", "");
    }
}
