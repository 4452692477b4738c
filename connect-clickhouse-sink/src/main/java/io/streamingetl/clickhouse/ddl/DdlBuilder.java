package io.streamingetl.clickhouse.ddl;

import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.config.ClusterSettings;
import io.streamingetl.clickhouse.sql.TableId;

import java.util.List;
import java.util.stream.Collectors;

/**
 * SQL text of the DDL the sink runs. Pure functions. The ON CLUSTER / Replicated variants cannot run
 * here (no Keeper), so tests check them with the real server's parser (formatQuery).
 */
public final class DdlBuilder {
    /** A column of a table to create. */
    public record ColumnDef(String name, String type) {
    }

    /** Engine choice: ReplacingMergeTree(version[, deleted]) for CDC rows, MergeTree otherwise. */
    public record TableSpec(List<ColumnDef> columns, List<String> orderBy, String partitionBy,
                            String versionColumn, String deletedColumn, int dedupWindow, int cleanupAfterSeconds) {
        public TableSpec(List<ColumnDef> columns, List<String> orderBy, String partitionBy, String versionColumn,
                         String deletedColumn, int dedupWindow) {
            this(columns, orderBy, partitionBy, versionColumn, deletedColumn, dedupWindow, 0);
        }
    }

    public static final String DEFAULT_REPLICA_PATH = "/clickhouse/tables/{shard}/{database}/{table}";
    public static final String DEFAULT_REPLICA_NAME = "{replica}";

    private final String cluster;
    private final boolean onCluster;
    /** Claims the range table remembers for deduplication: one per insert, of all the connectors' tables. */
    static final int RANGE_CLAIM_WINDOW = 10_000;

    private final boolean replicated;
    private final String replicaPath;
    private final String replicaName;

    /** ON CLUSTER and Replicated* engines when {@code cluster} is not empty; plain single-server DDL otherwise. */
    public DdlBuilder(String cluster) {
        this(cluster, true, true, DEFAULT_REPLICA_PATH, DEFAULT_REPLICA_NAME);
    }

    /** DDL for the cluster the settings describe (plain single-server DDL without one). */
    public static DdlBuilder of(ClusterSettings cluster) {
        return new DdlBuilder(cluster.cluster(), cluster.ddl() == ClusterSettings.Ddl.ON_CLUSTER, cluster.replicated(),
                cluster.replicaPath(), cluster.replicaName());
    }

    /**
     * @param cluster     the cluster's name in remote_servers ("" for one server)
     * @param onCluster   statements carry ON CLUSTER (else each node runs them itself)
     * @param replicated  tables use Replicated* engines at {@code replicaPath} / {@code replicaName}
     */
    public DdlBuilder(String cluster, boolean onCluster, boolean replicated, String replicaPath, String replicaName) {
        this.cluster = cluster == null ? "" : cluster.trim();
        this.onCluster = onCluster && !this.cluster.isEmpty();
        this.replicated = replicated && !this.cluster.isEmpty();
        this.replicaPath = replicaPath;
        this.replicaName = replicaName;
    }

    private String onCluster() {
        return onCluster ? " ON CLUSTER " + Sql.quote(cluster) : "";
    }

    /** Whether statements carry ON CLUSTER, so one server runs them for all. */
    public boolean runsOnCluster() {
        return onCluster;
    }

    public String createTable(TableId id, TableSpec spec) {
        StringBuilder b = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(id.quoted()).append(onCluster())
                .append(" (");
        b.append(spec.columns().stream().map(c -> Sql.quote(c.name()) + " " + c.type())
                .collect(Collectors.joining(", ")));
        b.append(") ENGINE = ").append(engine(spec));
        if (!spec.partitionBy().isEmpty()) {
            b.append(" PARTITION BY ").append(spec.partitionBy());
        }
        b.append(" ORDER BY ").append(spec.orderBy().isEmpty() ? "tuple()"
                : spec.orderBy().size() == 1 ? Sql.quote(spec.orderBy().get(0))
                : "(" + spec.orderBy().stream().map(Sql::quote).collect(Collectors.joining(", ")) + ")");
        List<String> settings = new java.util.ArrayList<>();
        if (spec.dedupWindow() > 0 && !replicated) {
            // Replicated tables dedup through Keeper (replicated_deduplication_window) by default.
            settings.add("non_replicated_deduplication_window = " + spec.dedupWindow());
        }
        if (spec.cleanupAfterSeconds() > 0 && spec.deletedColumn() != null) {
            // Cleanup merges drop rows whose newest version is a delete, once a partition is older than N s.
            settings.add("allow_experimental_replacing_merge_with_cleanup = 1");
            settings.add("enable_replacing_merge_with_cleanup_for_min_age_to_force_merge = 1");
            settings.add("min_age_to_force_merge_seconds = " + spec.cleanupAfterSeconds());
            settings.add("min_age_to_force_merge_on_partition_only = 1");
        }
        if (!settings.isEmpty()) {
            b.append(" SETTINGS ").append(String.join(", ", settings));
        }
        return b.toString();
    }

    private String engine(TableSpec spec) {
        boolean replacing = spec.versionColumn() != null;
        String prefix = replicated ? "Replicated" : "";
        StringBuilder args = new StringBuilder();
        if (replicated) {
            args.append(replicaArgs());
        }
        if (replacing) {
            if (args.length() > 0) {
                args.append(", ");
            }
            args.append(Sql.quote(spec.versionColumn()));
            if (spec.deletedColumn() != null) {
                args.append(", ").append(Sql.quote(spec.deletedColumn()));
            }
        }
        String name = prefix + (replacing ? "ReplacingMergeTree" : "MergeTree");
        return name + "(" + args + ")";
    }

    /** Keeper path and replica name; the server expands their macros when it creates the table. */
    private String replicaArgs() {
        return Sql.literal(replicaPath) + ", " + Sql.literal(replicaName);
    }

    /**
     * The Distributed table {@code dist} over the local tables {@code local} of every shard, sharded
     * by cityHash64 of {@code shardingKey} (the sink routes its own inserts by the same hash).
     */
    public String createDistributed(TableId dist, TableId local, List<String> shardingKey) {
        return "CREATE TABLE IF NOT EXISTS " + dist.quoted() + onCluster() + " AS " + local.quoted()
                + " ENGINE = Distributed(" + Sql.literal(cluster) + ", " + Sql.literal(local.database()) + ", "
                + Sql.literal(local.table()) + ", " + shardingExpression(shardingKey) + ")";
    }

    public static String shardingExpression(List<String> shardingKey) {
        return "cityHash64(" + shardingKey.stream().map(Sql::quote).collect(Collectors.joining(", ")) + ")";
    }

    public String addColumn(TableId id, String column, String type) {
        return "ALTER TABLE " + id.quoted() + onCluster() + " ADD COLUMN IF NOT EXISTS " + Sql.quote(column) + " " + type;
    }

    /** ADD COLUMN with a DEFAULT expression ({@code defaultExpression} null: none). */
    public String addColumn(TableId id, String column, String type, String defaultExpression) {
        return addColumn(id, column, type) + (defaultExpression == null ? "" : " DEFAULT " + defaultExpression);
    }

    public String renameColumn(TableId id, String from, String to) {
        return "ALTER TABLE " + id.quoted() + onCluster() + " RENAME COLUMN IF EXISTS " + Sql.quote(from) + " TO "
                + Sql.quote(to);
    }

    public String dropColumn(TableId id, String column) {
        return "ALTER TABLE " + id.quoted() + onCluster() + " DROP COLUMN IF EXISTS " + Sql.quote(column);
    }

    /** One statement, so a swap ({@code t TO t_old, t_new TO t}) is atomic. */
    public String renameTables(List<TableId[]> pairs) {
        return "RENAME TABLE " + pairs.stream().map(p -> p[0].quoted() + " TO " + p[1].quoted())
                .collect(Collectors.joining(", ")) + onCluster();
    }

    public String dropTable(TableId id) {
        return "DROP TABLE IF EXISTS " + id.quoted() + onCluster() + " SYNC";
    }

    public String truncateTable(TableId id) {
        return "TRUNCATE TABLE IF EXISTS " + id.quoted() + onCluster();
    }

    /** A lightweight delete of the rows a TRUNCATE at {@code version} removed: those with a lower version. */
    public String deleteBelowVersion(TableId id, String versionColumn, long version) {
        return "DELETE FROM " + id.quoted() + onCluster() + " WHERE " + Sql.quote(versionColumn) + " < "
                + Long.toUnsignedString(version);
    }

    public String exchangeTables(TableId a, TableId b) {
        return "EXCHANGE TABLES " + a.quoted() + " AND " + b.quoted() + onCluster();
    }

    /**
     * {@code INSERT INTO into (to...) SELECT select... FROM source [FINAL]}, column by column;
     * {@code select} are SQL expressions (quoted column names, or a conversion of one).
     */
    public static String insertSelect(TableId into, List<String> toColumns, TableId source, List<String> select,
                                      boolean finalRead) {
        return "INSERT INTO " + into.quoted() + " (" + toColumns.stream().map(Sql::quote).collect(Collectors.joining(", "))
                + ") SELECT " + String.join(", ", select) + " FROM " + source.quoted() + (finalRead ? " FINAL" : "");
    }

    /** Rounds a Decimal column's stored values to {@code scale} digits, half away from zero, as MySQL does. */
    public String roundColumn(TableId id, String column, int scale) {
        return "ALTER TABLE " + id.quoted() + onCluster() + " UPDATE " + Sql.quote(column) + " = round("
                + Sql.quote(column) + ", " + scale + ") WHERE 1 SETTINGS mutations_sync = 2";
    }

    public String modifyColumn(TableId id, String column, String type) {
        return "ALTER TABLE " + id.quoted() + onCluster() + " MODIFY COLUMN " + Sql.quote(column) + " " + type;
    }

    public String createDatabase(String database) {
        return "CREATE DATABASE IF NOT EXISTS " + Sql.quote(database) + onCluster();
    }

    /** The replay-safety state: last inserted range per connector, table and topic partition. */
    public String createRangeTable(TableId id) {
        String engine = replicated ? "ReplicatedReplacingMergeTree(" + replicaArgs() + ", `last_offset`)"
                : "ReplacingMergeTree(`last_offset`)";
        return "CREATE TABLE IF NOT EXISTS " + id.quoted() + onCluster() + " (`connector` String, `topic` String, "
                + "`partition` Int32, `db` String, `tbl` String, `first_offset` Int64, `last_offset` Int64, "
                + "`updated` DateTime64(3) DEFAULT now64(3)) ENGINE = " + engine
                + " ORDER BY (`connector`, `topic`, `partition`, `db`, `tbl`)"
                + (replicated ? "" : " SETTINGS non_replicated_deduplication_window = " + RANGE_CLAIM_WINDOW);
    }

    /**
     * For a range table created before its intents were claims: the deduplication window that lets
     * ClickHouse keep only the first of two claims of one offset; null for Replicated ones (Keeper's).
     */
    public String rangeTableClaimWindow(TableId id) {
        return replicated ? null : "ALTER TABLE " + id.quoted() + onCluster()
                + " MODIFY SETTING non_replicated_deduplication_window = " + RANGE_CLAIM_WINDOW;
    }
}
