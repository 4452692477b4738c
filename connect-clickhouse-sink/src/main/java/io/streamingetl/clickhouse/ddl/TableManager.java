package io.streamingetl.clickhouse.ddl;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandSettings;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.ddl.DdlBuilder.TableSpec;
import io.streamingetl.clickhouse.encode.DateRange;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.cluster.Shard;
import io.streamingetl.clickhouse.cluster.Shards;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads table structure from system.columns and runs DDL. Kept away from the write path. Sharded,
 * the sink's table {@code db.t} is a local table {@code db.t_local} on every node plus the
 * Distributed table {@code db.t} over them; DDL reaches every node (itself, or ON CLUSTER), and
 * {@link ClusterTables} keeps the nodes alike.
 */
public final class TableManager {
    private static final Logger log = LoggerFactory.getLogger(TableManager.class);

    private final Shards shards;
    private final DdlBuilder ddl;
    private final ClusterTables cluster;

    /** @param shardingKey cluster.sharding.key (empty: the sorting key) */
    public TableManager(Shards shards, DdlBuilder ddl, List<String> shardingKey) {
        this.shards = shards;
        this.ddl = ddl;
        this.cluster = shards.sharded() ? new ClusterTables(shards, ddl, this, shardingKey) : null;
    }

    /** The columns whose cityHash64 picks the shard of a row of a table described by {@code local}. */
    public List<String> shardingKey(TableDescription local) {
        return cluster == null ? List.of() : cluster.shardingKey(local);
    }

    public boolean sharded() {
        return cluster != null;
    }

    public DdlBuilder ddl() {
        return ddl;
    }

    /**
     * The columns of the table rows of {@code id} go into (the local table when sharded), or null
     * when it does not exist. Sharded, the table is first made alike on every node.
     */
    public TableDescription describe(TableId id) {
        if (cluster != null) {
            return cluster.reconcile(id);
        }
        return describe(shards.first(), id);
    }

    /** The columns on one shard only (its current replica), without comparing nodes. */
    public TableDescription describeOn(int shard, TableId id) {
        return shards.get(shard).call("describe " + id, client -> describe(client, shards.local(id)));
    }

    TableDescription describe(Client client, TableId id) {
        List<GenericRecord> rows = ClickHouseErrors.call("describe " + id, () -> client.queryAll(
                "SELECT name, type, default_kind, is_in_sorting_key FROM system.columns WHERE database = {db:String} "
                        + "AND table = {t:String} ORDER BY position",
                Map.of("db", id.database(), "t", id.table())));
        if (rows.isEmpty()) {
            return null;
        }
        List<ColumnInfo> cols = new ArrayList<>(rows.size());
        for (GenericRecord r : rows) {
            cols.add(new ColumnInfo(r.getString("name"), r.getString("type"), r.getString("default_kind"),
                    r.getInteger("is_in_sorting_key") != 0));
        }
        return new TableDescription(id, cols);
    }

    /**
     * Probes the server's features in one query. The date range is probed, not read from the
     * version, so a backport counts too: servers before 26.7 clamp a time before 1900 to
     * 1900-01-01, newer ones keep 1000-01-01.
     */
    public ServerFeatures serverFeatures() {
        List<GenericRecord> rows = shards.get(0).call("read the server's features", client -> client.queryAll(
                "SELECT (SELECT any(value) FROM system.settings WHERE name = 'enable_time_time64_type') AS time64,"
                        + " toYear(toDateTime64(-30610224000, 0, 'UTC')) AS year," // 1000-01-01 00:00:00 UTC
                        + " version() AS version"));
        GenericRecord r = rows.get(0);
        String tooOld = ServerVersion.parse(r.getString("version")).problem("the first shard's server");
        if (tooOld != null) {
            throw new ConnectException(tooOld);
        }
        return new ServerFeatures("1".equals(r.getString("time64")),
                r.getInteger("year") == 1000 ? DateRange.MYSQL : DateRange.CLASSIC);
    }

    public void createDatabase(String database) {
        execute(ddl.createDatabase(database));
    }

    /** Creates the table; sharded, the local tables and the Distributed table over them. */
    public void createTable(TableId id, TableSpec spec) {
        if (cluster == null) {
            execute(ddl.createTable(id, spec));
            return;
        }
        List<String> key = cluster.shardingKey(spec);
        execute(ddl.createTable(shards.local(id), spec));
        execute(ddl.createDistributed(id, shards.local(id), key));
    }

    public void addColumn(TableId id, String column, String type) {
        for (TableId t : layers(id)) {
            execute(ddl.addColumn(t, column, type));
        }
    }

    public void modifyColumn(TableId id, String column, String type) {
        for (TableId t : layers(id)) {
            execute(ddl.modifyColumn(t, column, type));
        }
    }

    /** Rounds a Decimal column's values to {@code scale} digits where the rows are stored (the local tables). */
    public void roundColumn(TableId id, String column, int scale) {
        execute(ddl.roundColumn(shards.local(id), column, scale));
    }

    public void addColumn(TableId id, String column, String type, String defaultExpression) {
        for (TableId t : layers(id)) {
            execute(ddl.addColumn(t, column, type, defaultExpression));
        }
    }

    public void renameColumn(TableId id, String from, String to) {
        for (TableId t : layers(id)) {
            execute(ddl.renameColumn(t, from, to));
        }
    }

    public void dropColumn(TableId id, String column) {
        for (TableId t : layers(id)) {
            execute(ddl.dropColumn(t, column));
        }
    }

    /**
     * Renames tables in one statement (a swap stays atomic on each server). Sharded, the local
     * tables are renamed on every node, and each Distributed table is re-created under its new
     * name over its renamed local table (a Distributed table names its local table).
     */
    public void renameTables(List<TableId[]> pairs) {
        if (!shards.sharded()) {
            execute(ddl.renameTables(pairs));
            return;
        }
        List<TableId[]> locals = new ArrayList<>();
        for (TableId[] p : pairs) {
            locals.add(new TableId[] {shards.local(p[0]), shards.local(p[1])});
        }
        execute(ddl.renameTables(locals));
        for (TableId[] p : pairs) {
            execute(ddl.dropTable(p[0]));
        }
        for (TableId[] p : pairs) {
            TableDescription local = describeOn(0, p[1]);
            if (local != null) {
                execute(ddl.createDistributed(p[1], shards.local(p[1]), cluster.shardingKey(local)));
            }
        }
    }

    public void dropTable(TableId id) {
        for (TableId t : layers(id)) {
            execute(ddl.dropTable(t));
        }
    }

    /** Empties the table (its local tables when sharded: they hold the rows). */
    public void truncate(TableId id) {
        execute(ddl.truncateTable(shards.local(id)));
    }

    /** Removes the rows whose {@code versionColumn} is below {@code version} (a lightweight delete). */
    public void deleteBelowVersion(TableId id, String versionColumn, long version) {
        execute(ddl.deleteBelowVersion(shards.local(id), versionColumn, version));
    }

    /** Swaps two tables' contents atomically (one server: a Distributed table cannot be swapped under its shards). */
    public void exchange(TableId a, TableId b) {
        if (shards.sharded()) {
            throw new ConnectException("swapping " + a + " and " + b + " is not supported on a sharded cluster");
        }
        execute(ddl.exchangeTables(a, b));
    }

    /** Copies rows between two tables of this server (one server only). */
    public void insertSelect(TableId into, List<String> toColumns, TableId source, List<String> select,
                             boolean finalRead) {
        if (shards.sharded()) {
            throw new ConnectException("copying " + source + " into " + into + " is not supported on a sharded cluster");
        }
        execute(DdlBuilder.insertSelect(into, toColumns, source, select, finalRead));
    }

    /** The tables a column change must reach: the local one first, then the Distributed one reading it. */
    private List<TableId> layers(TableId id) {
        return shards.sharded() ? List.of(shards.local(id), id) : List.of(id);
    }

    /**
     * Runs a statement once (one server, or ON CLUSTER), or on every node of every shard. A replica
     * that does not answer is skipped while another of its shard took the statement: the node
     * comparison ({@link ClusterTables}) brings it level when the sink next reads the table.
     */
    public void execute(String sql) {
        if (!shards.sharded() || ddl.runsOnCluster()) {
            execute(shards.first(), "", sql);
            return;
        }
        for (Shard shard : shards.all()) {
            RetriableException unanswered = null;
            boolean taken = false;
            for (int r = 0; r < shard.replicas().size(); r++) {
                try {
                    execute(shard.replicas().get(r), " on " + shard.urls().get(r), sql);
                    taken = true;
                } catch (RetriableException e) {
                    unanswered = e;
                    log.warn("Replica {} of {} did not answer; it gets this DDL when the sink next compares the "
                            + "nodes: {}", shard.urls().get(r), shard, e.getMessage());
                }
            }
            if (!taken) {
                throw unanswered;
            }
        }
    }

    void execute(Client client, String where, String sql) {
        log.info("ClickHouse DDL{}: {}", where, sql);
        ClickHouseErrors.call("DDL" + where + " " + sql, () -> {
            CommandSettings s = new CommandSettings();
            s.serverSetting("async_insert", "0");
            client.execute(sql, s).get(5, TimeUnit.MINUTES).close();
            return null;
        });
    }
}
