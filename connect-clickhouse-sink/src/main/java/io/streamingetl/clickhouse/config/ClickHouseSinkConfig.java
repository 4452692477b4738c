package io.streamingetl.clickhouse.config;

import io.streamingetl.clickhouse.config.ClusterSettings.Ddl;
import io.streamingetl.clickhouse.config.ErrorSettings.CrashMode;
import io.streamingetl.clickhouse.config.TableSettings.EnumMode;
import io.streamingetl.clickhouse.config.TableSettings.Evolution;
import io.streamingetl.clickhouse.config.Validators.IdentifierValidator;
import io.streamingetl.clickhouse.config.Validators.ShardsValidator;
import io.streamingetl.clickhouse.config.Validators.TemplateValidator;
import io.streamingetl.clickhouse.config.Validators.TimeZoneValidator;
import io.streamingetl.clickhouse.config.Validators.TopicMapValidator;
import io.streamingetl.clickhouse.config.Validators.UrlValidator;
import io.streamingetl.common.ParsedOnly;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of the sink, in one ConfigDef (README.md's reference is written from it), parsed once
 * into small immutable groups that the sink's classes take instead of this whole object.
 */
public final class ClickHouseSinkConfig extends AbstractConfig {
    public static final String GROUP_CONNECTION = "ClickHouse connection";
    public static final String GROUP_ROUTING = "Routing";
    public static final String GROUP_TABLES = "Tables";
    public static final String GROUP_CDC = "Upsert and delete";
    public static final String GROUP_BUFFER = "Buffering";
    public static final String GROUP_ERRORS = "Errors and retries";
    public static final String GROUP_DEDUP = "Replay safety";
    public static final String GROUP_CLUSTER = "ClickHouse cluster";
    public static final String GROUP_MIGRATIONS = "Schema changes";

    public static final String URL = "clickhouse.url";
    public static final String USER = "clickhouse.user";
    public static final String PASSWORD = "clickhouse.password";
    public static final String DATABASE = "clickhouse.database";
    public static final String SSL_ROOT_CERT = "clickhouse.ssl.root.certificate";
    public static final String CONNECT_TIMEOUT_MS = "clickhouse.connect.timeout.ms";
    public static final String SOCKET_TIMEOUT_MS = "clickhouse.socket.timeout.ms";
    public static final String COMPRESS = "clickhouse.compress";

    public static final String TABLE_TEMPLATE = "table.name.template";
    public static final String DATABASE_TEMPLATE = "database.name.template";
    public static final String TOPIC_TABLE_MAP = "topic.table.map";
    public static final String ROUTE_DB_FIELD = "route.db.field";
    public static final String ROUTE_TABLE_FIELD = "route.table.field";

    public static final String AUTO_CREATE = "auto.create";
    public static final String ORDER_BY = "table.order.by";
    public static final String PARTITION_BY = "table.partition.by";
    public static final String CLUSTER = "cluster";
    public static final String CLUSTER_SHARDS = "cluster.shards";
    public static final String CLUSTER_DDL = "cluster.ddl";
    public static final String CLUSTER_REPLICATED = "cluster.replicated";
    public static final String CLUSTER_REPLICA_PATH = "cluster.replica.path";
    public static final String CLUSTER_REPLICA_NAME = "cluster.replica.name";
    public static final String CLUSTER_LOCAL_SUFFIX = "cluster.local.suffix";
    public static final String CLUSTER_SHARDING_KEY = "cluster.sharding.key";
    public static final String DEDUP_WINDOW = "table.dedup.window";
    public static final String CLEANUP_AFTER_SECONDS = "table.deleted.cleanup.after.seconds";
    public static final String LOW_CARDINALITY = "table.low.cardinality.fields";
    public static final String EVOLUTION = "schema.evolution";
    public static final String DATETIME_TZ = "table.datetime.timezone";
    public static final String JSON_TYPE = "table.json.type";
    public static final String ENUM_TYPE = "table.enum.type";
    public static final String KEYLESS = "table.keyless";
    public static final String DROP_COLUMNS = "schema.changes.drop.columns";
    public static final String DROP_TABLES = "schema.changes.drop.tables";

    public static final String VERSION_FIELD = "cdc.version.field";
    public static final String DELETED_FIELD = "cdc.deleted.field";

    public static final String BUFFER_MAX_ROWS = "buffer.max.rows";
    public static final String BUFFER_MAX_BYTES = "buffer.max.bytes";
    public static final String BUFFER_FLUSH_INTERVAL_MS = "buffer.flush.interval.ms";
    public static final String BUFFER_MIN_INSERT_INTERVAL_MS = "buffer.min.insert.interval.ms";

    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    /** Connect's own option; the task reads it to decide between the DLQ and failing. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    public static final String DEDUP_ENABLED = "dedup.enabled";
    public static final String MAX_BLOCK_MS = "max.block.ms";
    public static final String DEDUP_STATE_TABLE = "dedup.state.table";

    public static final String TEST_CRASH_AFTER_INSERT = "test.crash.after.insert";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        ConfigDef d = new ConfigDef();
        int o = 0;
        d.define(URL, Type.STRING, "", new UrlValidator(true), Importance.HIGH,
                "ClickHouse HTTP(S) endpoint, e.g. http://clickhouse:8123 or https://host:8443. Required unless "
                        + CLUSTER_SHARDS + " lists the servers.",
                GROUP_CONNECTION, ++o, Width.LONG, "ClickHouse URL");
        d.define(USER, Type.STRING, "default", Importance.HIGH, "ClickHouse user.",
                GROUP_CONNECTION, ++o, Width.MEDIUM, "User");
        d.define(PASSWORD, Type.PASSWORD, "", Importance.HIGH, "ClickHouse password. Never logged.",
                GROUP_CONNECTION, ++o, Width.MEDIUM, "Password");
        d.define(DATABASE, Type.STRING, "default", new IdentifierValidator(), Importance.HIGH,
                "Target database when the database template does not name one.",
                GROUP_CONNECTION, ++o, Width.MEDIUM, "Database");
        d.define(SSL_ROOT_CERT, Type.STRING, "", Importance.LOW,
                "Path to a PEM root certificate to trust for https URLs (empty: the JVM's trust store).",
                GROUP_CONNECTION, ++o, Width.LONG, "TLS root certificate");
        d.define(CONNECT_TIMEOUT_MS, Type.INT, 5_000, ParsedOnly.of(ConfigDef.Range.atLeast(100)), Importance.LOW,
                "TCP connect timeout.", GROUP_CONNECTION, ++o, Width.SHORT, "Connect timeout (ms)");
        d.define(SOCKET_TIMEOUT_MS, Type.INT, 120_000, ParsedOnly.of(ConfigDef.Range.atLeast(1_000)), Importance.LOW,
                "Socket read timeout of one request (an insert of a full buffer included).",
                GROUP_CONNECTION, ++o, Width.SHORT, "Socket timeout (ms)");
        d.define(COMPRESS, Type.BOOLEAN, false, Importance.LOW,
                "Compress insert bodies (LZ4). Saves network on remote servers, costs CPU on both sides.",
                GROUP_CONNECTION, ++o, Width.SHORT, "Compress inserts");

        o = 0;
        d.define(TABLE_TEMPLATE, Type.STRING, "${table}", new TemplateValidator(false), Importance.HIGH,
                "Table name template. ${topic} is the topic; ${table} and ${db} come from the record's "
                        + "routing fields (see route.*.field) or else from the topic's last and second-to-last "
                        + "dot-separated segments (dbserver.shop.person -> db shop, table person).",
                GROUP_ROUTING, ++o, Width.LONG, "Table name template");
        d.define(DATABASE_TEMPLATE, Type.STRING, "${db}", new TemplateValidator(true), Importance.MEDIUM,
                "Database name template (same placeholders). Default ${db}: the SMT's _db field, else the topic's second-to-last segment, else clickhouse.database. Empty: always clickhouse.database.",
                GROUP_ROUTING, ++o, Width.LONG, "Database name template");
        d.define(TOPIC_TABLE_MAP, Type.LIST, "", new TopicMapValidator(), Importance.MEDIUM,
                "Explicit topic to table map, topic:table or topic:db.table, comma separated. Wins over templates.",
                GROUP_ROUTING, ++o, Width.LONG, "Topic to table map");
        d.define(ROUTE_DB_FIELD, Type.STRING, "_db", Importance.LOW,
                "Record field holding the source database (written by the enrich SMT). Empty: topic only.",
                GROUP_ROUTING, ++o, Width.SHORT, "Database routing field");
        d.define(ROUTE_TABLE_FIELD, Type.STRING, "_table", Importance.LOW,
                "Record field holding the source table (written by the enrich SMT). Empty: topic only.",
                GROUP_ROUTING, ++o, Width.SHORT, "Table routing field");

        o = 0;
        d.define(AUTO_CREATE, Type.BOOLEAN, true, Importance.HIGH,
                "Create missing tables from the record schema: ReplacingMergeTree(version, deleted) for "
                        + "rows with the CDC fields, MergeTree otherwise.",
                GROUP_TABLES, ++o, Width.SHORT, "Create tables");
        d.define(ORDER_BY, Type.LIST, "", Importance.MEDIUM,
                "ORDER BY columns of created tables. Empty: the record key's fields (tuple() when there are none).",
                GROUP_TABLES, ++o, Width.LONG, "ORDER BY");
        d.define(PARTITION_BY, Type.STRING, "", Importance.LOW,
                "PARTITION BY expression of created tables (raw SQL, e.g. toYYYYMM(created_at)). Empty: none.",
                GROUP_TABLES, ++o, Width.LONG, "PARTITION BY");
        d.define(DEDUP_WINDOW, Type.INT, 10_000, ParsedOnly.of(ConfigDef.Range.atLeast(0)), Importance.LOW,
                "non_replicated_deduplication_window of created MergeTree tables: how many of a table's last inserts "
                        + "ClickHouse remembers to drop a replayed one. A replay comes after a failover (10-30 s) and "
                        + "each topic partition writing into the table inserts up to 4 times a second meanwhile; "
                        + "10,000 covers 80 partitions per table. 0 only with dedup.enabled=false (or Replicated "
                        + "tables, which use Keeper's window).",
                GROUP_TABLES, ++o, Width.SHORT, "Dedup window");
        d.define(CLEANUP_AFTER_SECONDS, Type.INT, 0, ParsedOnly.of(ConfigDef.Range.atLeast(0)), Importance.LOW,
                "CDC tables the sink creates: remove rows whose newest version is a delete physically, by "
                        + "ClickHouse's cleanup merges, once a partition has had no insert for this many seconds "
                        + "(allow_experimental_replacing_merge_with_cleanup, min_age_to_force_merge_seconds). "
                        + "0: deleted rows stay on disk, hidden by FINAL. Only safe when no older version of a "
                        + "deleted row can arrive afterwards (see README).",
                GROUP_TABLES, ++o, Width.SHORT, "Remove deleted rows after (s)");
        d.define(LOW_CARDINALITY, Type.LIST, "", Importance.LOW,
                "String fields created as LowCardinality(String).",
                GROUP_TABLES, ++o, Width.LONG, "LowCardinality fields");
        d.define(EVOLUTION, Type.STRING, "widen_columns",
                ConfigDef.CaseInsensitiveValidString.in("none", "add_columns", "widen_columns"),
                Importance.MEDIUM, "none: fields without a column are an error. add_columns: a new field adds a "
                        + "column (Nullable for optional fields) before the batch that needs it. widen_columns: "
                        + "add_columns, and a field whose type became wider than its column's without losing "
                        + "existing values (a wider integer, unsigned to a wider type, Float32 to Float64, more "
                        + "decimal digits on both sides of the point, more sub-second digits, NOT NULL to NULL "
                        + "outside the sorting key) modifies the column (ALTER TABLE ... MODIFY COLUMN) first.",
                GROUP_TABLES, ++o, Width.SHORT, "Schema evolution");
        d.define(DATETIME_TZ, Type.STRING, "UTC", new TimeZoneValidator(), Importance.LOW,
                "Time zone of DateTime64 columns created for timestamps.",
                GROUP_TABLES, ++o, Width.SHORT, "DateTime time zone");

        d.define(ENUM_TYPE, Type.STRING, "LowCardinality",
                ConfigDef.CaseInsensitiveValidString.in("LowCardinality", "Enum", "String"), Importance.LOW,
                "Column type created for a source ENUM (io.debezium.data.Enum) and the elements of a "
                        + "source SET (io.debezium.data.EnumSet, created as an Array of them). LowCardinality: "
                        + "LowCardinality(String), any value. Enum: Enum8/Enum16 with the source's values in their "
                        + "order ('' = 0 for MySQL's invalid-value marker); a value added to the source ENUM or SET "
                        + "later extends the column (schema.evolution=widen_columns). String: plain String, a SET "
                        + "as its comma-joined text (the only choice that keeps a NULL set apart from the empty "
                        + "one: ClickHouse has no Nullable(Array)).",
                GROUP_TABLES, ++o, Width.SHORT, "ENUM and SET column type");
        d.define(JSON_TYPE, Type.STRING, "String", ConfigDef.CaseInsensitiveValidString.in("String", "JSON"),
                Importance.LOW, "Column type created for JSON text (io.debezium.data.Json) and nested structs.",
                GROUP_TABLES, ++o, Width.SHORT, "JSON column type");
        d.define(KEYLESS, Type.STRING, "log", ConfigDef.CaseInsensitiveValidString.in("log", "error"), Importance.MEDIUM,
                "A CDC table whose records have no key (a source table without a primary key) and no "
                        + ORDER_BY + ". log: created as an append-only change log, MergeTree ordered by the "
                        + "version field: every change once, in binlog order (nothing tells two such rows apart, so "
                        + "no version can replace another and FINAL shows every change). error: the records go to "
                        + "the DLQ (or fail the task) naming the fix.",
                GROUP_TABLES, ++o, Width.SHORT, "Tables without a key");

        o = 0;
        d.define(DROP_COLUMNS, Type.STRING, "keep", ConfigDef.CaseInsensitiveValidString.in("keep", "drop"),
                Importance.MEDIUM,
                "Schema-change markers (the enrich SMT's schema.changes=marker): a column the source dropped. keep: "
                        + "it stays in ClickHouse with its values, new rows get its default. drop: ALTER TABLE ... "
                        + "DROP COLUMN at the marker's place in the stream.",
                GROUP_MIGRATIONS, ++o, Width.SHORT, "Dropped columns");
        d.define(DROP_TABLES, Type.STRING, "rename", ConfigDef.CaseInsensitiveValidString.in("rename", "drop"),
                Importance.MEDIUM,
                "Schema-change markers: a table the source dropped. rename: it stays in ClickHouse renamed aside to "
                        + "<table>_dropped_<yyyyMMdd_HHmmss of the drop> (_<version> appended when that name is taken: "
                        + "a table dropped twice in one second), and a table re-created under the name "
                        + "starts clean. drop: DROP TABLE.",
                GROUP_MIGRATIONS, ++o, Width.SHORT, "Dropped tables");

        o = 0;
        d.define(VERSION_FIELD, Type.STRING, "_version", Importance.MEDIUM,
                "Field holding the row version (ReplacingMergeTree version column, UInt64).",
                GROUP_CDC, ++o, Width.SHORT, "Version field");
        d.define(DELETED_FIELD, Type.STRING, "_deleted", Importance.MEDIUM,
                "Field holding the delete flag (ReplacingMergeTree is_deleted column, UInt8).",
                GROUP_CDC, ++o, Width.SHORT, "Delete flag field");

        o = 0;
        d.define(BUFFER_MAX_ROWS, Type.INT, 100_000, ParsedOnly.of(ConfigDef.Range.atLeast(1)), Importance.MEDIUM,
                "Rows per table (and topic partition) that trigger an insert.",
                GROUP_BUFFER, ++o, Width.SHORT, "Max rows per insert");
        d.define(BUFFER_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, ParsedOnly.of(ConfigDef.Range.atLeast(1024)), Importance.MEDIUM,
                "Heap the task's buffers may allocate across all tables and partitions, counted by "
                        + "allocated capacity (chunks and row index), not bytes written; reaching it inserts the "
                        + "largest buffers until half is free.",
                GROUP_BUFFER, ++o, Width.SHORT, "Max buffered bytes");
        d.define(BUFFER_FLUSH_INTERVAL_MS, Type.LONG, 5_000L, ParsedOnly.of(ConfigDef.Range.atLeast(0)), Importance.MEDIUM,
                "The longest a buffered row waits: a buffer this old is inserted (the task asks Connect "
                        + "to call it back in time).",
                GROUP_BUFFER, ++o, Width.SHORT, "Flush interval (ms)");
        d.define(BUFFER_MIN_INSERT_INTERVAL_MS, Type.LONG, 250L, ParsedOnly.of(ConfigDef.Range.atLeast(-1)),
                Importance.MEDIUM,
                "Adaptive flushing: a buffer is inserted as soon as its table's previous insert from the same "
                        + "topic partition is this long ago, so a lone change goes in at once and under load "
                        + "each table gets at most one insert per interval and partition (each insert is a new "
                        + "ClickHouse part). -1 turns it off: buffers then wait for " + BUFFER_FLUSH_INTERVAL_MS
                        + " or a size limit.",
                GROUP_BUFFER, ++o, Width.SHORT, "Min insert interval (ms)");

        o = 0;
        d.define(RETRY_MAX_ATTEMPTS, Type.INT, 3, ParsedOnly.of(ConfigDef.Range.atLeast(1)), Importance.LOW,
                "Attempts of one insert inside one put() before the task pauses with a RetriableException "
                        + "(buffer kept, offsets not committed; Connect calls put again later).",
                GROUP_ERRORS, ++o, Width.SHORT, "Attempts per call");
        d.define(RETRY_BACKOFF_MS, Type.LONG, 200L, ParsedOnly.of(ConfigDef.Range.atLeast(0)), Importance.LOW,
                "First backoff between attempts; doubles up to retry.backoff.max.ms.",
                GROUP_ERRORS, ++o, Width.SHORT, "Backoff (ms)");
        d.define(RETRY_BACKOFF_MAX_MS, Type.LONG, 10_000L, ParsedOnly.of(ConfigDef.Range.atLeast(0)), Importance.LOW,
                "Largest backoff, also the pause asked from Connect when ClickHouse is unavailable.",
                GROUP_ERRORS, ++o, Width.SHORT, "Max backoff (ms)");
        d.define(MAX_BLOCK_MS, Type.LONG, 60_000L, ParsedOnly.of(ConfigDef.Range.atLeast(1_000)), Importance.LOW,
                "Longest one put(), preCommit() or close() waits on ClickHouse, all attempts and backoffs together. "
                        + "Past it the task hands control back to Connect (context.timeout) and carries on from where "
                        + "it stopped on the next call. Must stay below the consumer's max.poll.interval.ms "
                        + "(default 300000), or a slow server makes the group rebalance.",
                GROUP_ERRORS, ++o, Width.SHORT, "Max blocking per call (ms)");

        o = 0;
        d.define(DEDUP_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                "Replay-safe inserts (exactly-once): a deterministic insert_deduplication_token per connector, "
                        + "table and topic-partition offset range, and the last range per table/partition remembered "
                        + "in dedup.state.table so a replay cuts the same ranges. Every target table must then "
                        + "deduplicate token inserts (Replicated*, or non_replicated_deduplication_window > 0); one "
                        + "that does not is refused with the ALTER that fixes it. false: at-least-once (a crash or "
                        + "rebalance can double rows). See README.",
                GROUP_DEDUP, ++o, Width.SHORT, "Replay-safe inserts");
        d.define(DEDUP_STATE_TABLE, Type.STRING, "_clickhouse_sink_ranges", new IdentifierValidator(), Importance.LOW,
                "Table (in clickhouse.database) remembering the last inserted range per connector, table and partition.",
                GROUP_DEDUP, ++o, Width.MEDIUM, "Range state table");

        o = 0;
        d.define(CLUSTER_SHARDS, Type.LIST, "", new ShardsValidator(), Importance.MEDIUM,
                "The shards of a sharded ClickHouse cluster, in the order of the cluster's <remote_servers>, "
                        + "comma separated; each shard as the HTTP(S) URLs of its replicas separated by '|' "
                        + "(http://ch1:8123|http://ch1b:8123,http://ch2:8123). Rows go straight to the local "
                        + "table of the shard that the hash of their key picks (cityHash64 of "
                        + CLUSTER_SHARDING_KEY + ", modulo the shard count, as the Distributed table the sink "
                        + "creates shards them), so every version of a key is on one shard; a replica that does "
                        + "not answer fails over to the next of its shard. Needs " + CLUSTER + ". Empty: one server "
                        + "at " + URL + ". Changing the shards while offsets are uncommitted moves keys between "
                        + "shards: stop the connector and let it commit first.",
                GROUP_CLUSTER, ++o, Width.LONG, "Shards");
        d.define(CLUSTER, Type.STRING, "", Importance.MEDIUM,
                "Cluster name as in the servers' <remote_servers>. With " + CLUSTER_SHARDS + ": the cluster of "
                        + "the Distributed tables. Without it: DDL runs ON CLUSTER against " + URL
                        + " (see " + CLUSTER_DDL + " and " + CLUSTER_REPLICATED + ").",
                GROUP_CLUSTER, ++o, Width.MEDIUM, "Cluster");
        d.define(CLUSTER_DDL, Type.STRING, "ON_CLUSTER", ConfigDef.CaseInsensitiveValidString.in("ON_CLUSTER", "PER_NODE"),
                Importance.MEDIUM,
                "ON_CLUSTER: DDL runs once, ON CLUSTER (needs ClickHouse Keeper and distributed DDL). "
                        + "PER_NODE: the sink runs each statement on every node of " + CLUSTER_SHARDS
                        + " itself (a cluster without Keeper). Either way, before a table is used the sink "
                        + "compares it on every node, creates it where it is missing, adds the columns a node "
                        + "lacks, and fails naming the node when a column's type differs.",
                GROUP_CLUSTER, ++o, Width.SHORT, "Cluster DDL");
        d.define(CLUSTER_REPLICATED, Type.BOOLEAN, true, Importance.MEDIUM,
                "With " + CLUSTER + ": created tables use Replicated*MergeTree engines with "
                        + CLUSTER_REPLICA_PATH + " and " + CLUSTER_REPLICA_NAME + " (needs Keeper). false: plain "
                        + "*MergeTree on each node (shards without replicas).",
                GROUP_CLUSTER, ++o, Width.SHORT, "Replicated tables");
        d.define(CLUSTER_REPLICA_PATH, Type.STRING, "/clickhouse/tables/{shard}/{database}/{table}",
                Importance.LOW, "Keeper path of created Replicated* tables; the server expands the macros "
                        + "({shard}, {replica} from <macros>, {database}, {table}, {uuid}).",
                GROUP_CLUSTER, ++o, Width.LONG, "Replica path");
        d.define(CLUSTER_REPLICA_NAME, Type.STRING, "{replica}", Importance.LOW,
                "Replica name of created Replicated* tables (a macro from the servers' <macros>).",
                GROUP_CLUSTER, ++o, Width.SHORT, "Replica name");
        d.define(CLUSTER_LOCAL_SUFFIX, Type.STRING, "_local", new IdentifierValidator(), Importance.LOW,
                "With " + CLUSTER_SHARDS + ": rows go into <table><suffix> on each shard, and <table> is the "
                        + "Distributed table over them that queries read.",
                GROUP_CLUSTER, ++o, Width.SHORT, "Local table suffix");
        d.define(CLUSTER_SHARDING_KEY, Type.LIST, "", Importance.LOW,
                "Columns whose cityHash64 picks a row's shard (integer or String columns). Empty: the "
                        + "table's sorting-key columns in table order. Must not change once a table has rows.",
                GROUP_CLUSTER, ++o, Width.LONG, "Sharding key");
        return d;
    }

    private final ConnectionSettings connection;
    private final RoutingSettings routing;
    private final TableSettings tables;
    private final BufferSettings buffering;
    private final ErrorSettings errors;
    private final ReplaySettings replay;
    private final ClusterSettings cluster;

    public ClickHouseSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props, false);
        if (getString(VERSION_FIELD).equals(getString(DELETED_FIELD)) && !getString(VERSION_FIELD).isEmpty()) {
            throw new ConfigException(DELETED_FIELD, getString(DELETED_FIELD), "must differ from " + VERSION_FIELD);
        }
        String problem = clusterProblem(getString(URL), getList(CLUSTER_SHARDS), getString(CLUSTER),
                getBoolean(CLUSTER_REPLICATED));
        if (problem != null) {
            throw new ConfigException(problem);
        }
        connection = new ConnectionSettings(getString(USER), getPassword(PASSWORD), getString(DATABASE),
                getString(SSL_ROOT_CERT).trim(), getInt(CONNECT_TIMEOUT_MS), getInt(SOCKET_TIMEOUT_MS),
                getBoolean(COMPRESS), "streamingetl-clickhouse-sink/" + Version.get());
        routing = new RoutingSettings(getString(DATABASE), getString(TABLE_TEMPLATE), getString(DATABASE_TEMPLATE),
                parseTopicMap(getList(TOPIC_TABLE_MAP)), getString(ROUTE_DB_FIELD), getString(ROUTE_TABLE_FIELD));
        tables = new TableSettings(getBoolean(AUTO_CREATE), getList(ORDER_BY).stream().map(String::trim).toList(),
                getString(PARTITION_BY).trim(), getInt(DEDUP_WINDOW), getInt(CLEANUP_AFTER_SECONDS),
                java.util.Set.copyOf(getList(LOW_CARDINALITY)), upper(Evolution.class, EVOLUTION),
                getString(DATETIME_TZ), getString(JSON_TYPE).equalsIgnoreCase("JSON"), enumMode(),
                getString(VERSION_FIELD), getString(DELETED_FIELD), getString(KEYLESS).equalsIgnoreCase("log"),
                getString(DROP_COLUMNS).equalsIgnoreCase("drop"), getString(DROP_TABLES).equalsIgnoreCase("drop"));
        buffering = new BufferSettings(getInt(BUFFER_MAX_ROWS), getLong(BUFFER_MAX_BYTES),
                getLong(BUFFER_FLUSH_INTERVAL_MS), getLong(BUFFER_MIN_INSERT_INTERVAL_MS));
        errors = new ErrorSettings(getInt(RETRY_MAX_ATTEMPTS), getLong(RETRY_BACKOFF_MS), getLong(RETRY_BACKOFF_MAX_MS),
                getLong(MAX_BLOCK_MS), toleratesErrors(), crashAfterInsert());
        replay = new ReplaySettings(getBoolean(DEDUP_ENABLED), getString(DEDUP_STATE_TABLE));
        List<String> listed = getList(CLUSTER_SHARDS);
        cluster = new ClusterSettings(listed.isEmpty() ? List.of(List.of(getString(URL).trim()))
                : listed.stream().map(ClickHouseSinkConfig::replicas).toList(), !listed.isEmpty(),
                getString(CLUSTER).trim(), upper(Ddl.class, CLUSTER_DDL), getBoolean(CLUSTER_REPLICATED),
                getString(CLUSTER_REPLICA_PATH).trim(), getString(CLUSTER_REPLICA_NAME).trim(),
                getString(CLUSTER_LOCAL_SUFFIX), getList(CLUSTER_SHARDING_KEY).stream().map(String::trim).toList());
    }

    /**
     * The test-only fault hook: read from the connector's settings but kept out of the ConfigDef, so
     * no form, validate answer or reference offers it.
     */
    private CrashMode crashAfterInsert() {
        Object value = originals().get(TEST_CRASH_AFTER_INSERT);
        if (value == null) {
            return CrashMode.NONE;
        }
        try {
            return CrashMode.valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(TEST_CRASH_AFTER_INSERT, value, "must be none, task or jvm");
        }
    }

    private <E extends Enum<E>> E upper(Class<E> type, String option) {
        return Enum.valueOf(type, getString(option).toUpperCase(Locale.ROOT));
    }

    private EnumMode enumMode() {
        return switch (getString(ENUM_TYPE).toLowerCase(Locale.ROOT)) {
            case "enum" -> EnumMode.ENUM;
            case "string" -> EnumMode.STRING;
            default -> EnumMode.LOW_CARDINALITY;
        };
    }

    /** errors.tolerance=all sends bad records to the DLQ (or logs them) instead of failing. */
    private boolean toleratesErrors() {
        Object v = originals().get(ERRORS_TOLERANCE);
        return v != null && "all".equalsIgnoreCase(v.toString().trim());
    }

    /** What is wrong with the combination of url, shards and cluster name, or null. */
    public static String clusterProblem(String url, List<String> shards, String cluster, boolean replicated) {
        boolean sharded = shards != null && !shards.isEmpty();
        if (sharded && !replicated && shards.stream().anyMatch(s -> s.contains("|"))) {
            return CLUSTER_SHARDS + ": replicas of a shard ('|') need " + CLUSTER_REPLICATED + "=true: with plain "
                    + "MergeTree tables each replica would hold only the rows sent while it answered, and the "
                    + "replay state would be split between them";
        }
        if (!sharded && (url == null || url.isBlank())) {
            return URL + ": a ClickHouse URL is required (or list the servers in " + CLUSTER_SHARDS + ")";
        }
        if (sharded && (cluster == null || cluster.isBlank())) {
            return CLUSTER + ": " + CLUSTER_SHARDS + " needs the cluster's name (as in <remote_servers>) for "
                    + "the Distributed tables";
        }
        return null;
    }

    public ConnectionSettings connection() {
        return connection;
    }

    public RoutingSettings routing() {
        return routing;
    }

    public TableSettings tables() {
        return tables;
    }

    public BufferSettings buffering() {
        return buffering;
    }

    public ErrorSettings errors() {
        return errors;
    }

    public ReplaySettings replay() {
        return replay;
    }

    public ClusterSettings cluster() {
        return cluster;
    }

    /** One shard's replica URLs from its cluster.shards entry, '|'-separated. */
    static List<String> replicas(String shard) {
        return Arrays.stream(shard.split("\\|")).map(String::trim).filter(u -> !u.isEmpty()).toList();
    }

    /** topic -> "table" or "db.table", in the order given. */
    static Map<String, String> parseTopicMap(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : entries) {
            String s = e.trim();
            if (s.isEmpty()) {
                continue;
            }
            int i = s.lastIndexOf(':');
            if (i <= 0 || i == s.length() - 1) {
                throw new ConfigException(TOPIC_TABLE_MAP, e, "entries must look like topic:table or topic:db.table");
            }
            m.put(s.substring(0, i).trim(), s.substring(i + 1).trim());
        }
        return m;
    }
}
