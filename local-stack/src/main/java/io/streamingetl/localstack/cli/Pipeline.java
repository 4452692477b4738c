package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseQueries;
import io.streamingetl.localstack.kafka.ConnectRest;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.mariadb.SourceConnection;
import io.streamingetl.localstack.mariadb.SqlScript;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline on top of the running components: source schema and seed rows, the ClickHouse
 * database, the connectors from connector-configs/ (hosts and ports overridden for local mode),
 * and the wait until the snapshot is in ClickHouse.
 */
final class Pipeline {
    static final String SOURCE_CONFIG = "source/mariadb-source.json";
    /** A user's own MySQL (not MariaDB): Debezium's MySQL connector, as the Docker stack runs it. */
    static final String MYSQL_SOURCE_CONFIG = "source/mysql-source.json";
    static final String SINK_CONFIG = "sink/clickhouse-sink.json";
    static final String ENRICHED_SINK_CONFIG = "sink/clickhouse-sink-enriched.json";
    /** --clickhouse-shards: the CDC sink once more, into the local sharded cluster. */
    static final String SHARDED_SINK = "clickhouse-sink-sharded";
    /** The source database's SQL files, in order (the Docker stack runs the whole folder in name order). */
    static final List<String> SQL_FILES = List.of("01-schema.sql", "02-seed.sql", "03-users.sql", "04-views.sql");
    static final String CLICKHOUSE_VIEWS = "clickhouse/01-views.sql";
    static final String DATABASE = "streaming_etl_db";
    static final List<String> TABLES = List.of("person", "address", "geo");

    private final Path repoRoot;
    private final LocalPorts ports;
    private final PrintStream out;
    /** Avro mode: converter settings for the source and the CDC sink (the enriched sink reads JSON). */
    private Map<String, String> cdcConverters = Map.of();
    /** --clickhouse-shards: the options pointing the second CDC sink at the cluster, else empty. */
    private Map<String, String> clusterSink = Map.of();
    /** --source / --clickhouse: the user's own systems (then only the CDC source and sink run). */
    private OwnSystems own = new OwnSystems(null, null);
    private boolean ownSourceIsMariaDb = true;

    Pipeline(Path repoRoot, LocalPorts ports, PrintStream out) {
        this.repoRoot = repoRoot;
        this.ports = ports;
        this.out = out;
    }

    /** Change events as Avro through the schema registry instead of the worker's JsonConverter. */
    Pipeline withCdcConverters(Map<String, String> converters) {
        this.cdcConverters = Map.copyOf(converters);
        return this;
    }

    /** Also the CDC sink into a sharded cluster, with these sink options ({@code ClickHouseCluster#sinkOptions}). */
    Pipeline withShardedSink(Map<String, String> options) {
        this.clusterSink = Map.copyOf(options);
        return this;
    }

    /** Capture the user's own source and/or write into their own ClickHouse. */
    Pipeline withOwnSystems(OwnSystems systems, boolean sourceIsMariaDb) {
        this.own = systems;
        this.ownSourceIsMariaDb = sourceIsMariaDb;
        return this;
    }

    /** The databases captured: the user's with --source, else the demo's. */
    List<String> databases() {
        return own.source() != null ? own.source().databases() : List.of(DATABASE);
    }

    /** The connectors this deploy runs: with the user's own systems, only the CDC source and sink. */
    List<String> connectorNames() {
        return own.any() ? List.of(sourceConfigFile().name(), ConnectorConfig.load(repoRoot, SINK_CONFIG).name())
                : connectorNames(repoRoot);
    }

    private ConnectorConfig sourceConfigFile() {
        return ConnectorConfig.load(repoRoot, own.source() != null && !ownSourceIsMariaDb ? MYSQL_SOURCE_CONFIG
                : SOURCE_CONFIG);
    }

    static List<String> connectorNames(Path repoRoot) {
        return List.of(ConnectorConfig.load(repoRoot, SOURCE_CONFIG).name(), ConnectorConfig.load(repoRoot, SINK_CONFIG).name(),
                ConnectorConfig.load(repoRoot, ENRICHED_SINK_CONFIG).name());
    }

    /** Creates the schema, seed rows and users once; a second deploy keeps the data it finds. */
    void prepareSource(MariaDbServer db) {
        try (Connection c = db.connect()) {
            if (LocalStackCli.count(c, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                    + DATABASE + "'") > 0) {
                out.println("  source database " + DATABASE + " exists; keeping its data");
                return;
            }
            Path sql = repoRoot.resolve("connector-configs/sql");
            for (String file : SQL_FILES) {
                SqlScript.run(c, sql.resolve(file));
            }
            out.println("  source database " + DATABASE + " created with seed rows");
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB: " + e.getMessage(), e);
        }
    }

    /** The ClickHouse database of each captured one (the sink writes a source database's tables into its namesake). */
    void prepareClickHouse(ClickHouseQueries clickHouse) {
        for (String db : databases()) {
            clickHouse.query("CREATE DATABASE IF NOT EXISTS `" + db.replace("`", "``") + "`");
        }
    }

    /**
     * Registers the connectors from connector-configs/. A connector that already runs is updated only
     * when its file changed since the last deploy (or with {@code resetConfigs}), so changes made
     * through the REST API survive a redeploy; {@code appliedConfigs} remembers what was applied.
     */
    void registerConnectors(ConnectRest rest, Path appliedConfigs, boolean resetConfigs) {
        ConnectorConfig source = sourceConfigFile()
                .with("database.hostname", "127.0.0.1")
                .with("database.port", String.valueOf(ports.mariaDb()))
                .with("schema.history.internal.kafka.bootstrap.servers", "127.0.0.1:" + ports.kafka());
        ConnectorConfig sink = ConnectorConfig.load(repoRoot, SINK_CONFIG)
                .with("clickhouse.url", "http://127.0.0.1:" + ports.clickHouseHttp());
        if (own.source() != null) {
            source = ownSource(source);
            String topicPrefix = source.config().get("topic.prefix");
            sink = sink.sinking(topicPrefix, databases().get(0)).with("topics.regex", topicsRegex(topicPrefix));
        }
        if (own.clickHouse() != null) {
            sink = sink.with("clickhouse.url", own.clickHouse().httpUrl())
                    .with("clickhouse.user", own.clickHouse().user())
                    .with("clickhouse.password", own.clickHouse().password());
        }
        for (Map.Entry<String, String> e : cdcConverters.entrySet()) {
            source = source.with(e.getKey(), e.getValue());
            sink = sink.with(e.getKey(), e.getValue());
        }
        ConnectorConfig enrichedSink = ConnectorConfig.load(repoRoot, ENRICHED_SINK_CONFIG)
                .with("clickhouse.url", "http://127.0.0.1:" + ports.clickHouseHttp());
        List<ConnectorConfig> connectors = new ArrayList<>(List.of(source, sink, enrichedSink));
        if (own.any()) {
            // The join is the demo's (person, address, geo); with the user's own systems only CDC runs.
            connectors.remove(enrichedSink);
        } else if (!cdcConverters.isEmpty()) {
            // The Kafka Streams enrichment reads JSON change events: in Avro mode nothing feeds this sink.
            connectors.remove(enrichedSink);
            out.println("  connector " + enrichedSink.name() + " not registered: the enrichment does not run in Avro mode");
        }
        if (!clusterSink.isEmpty()) {
            connectors.add(sink.named(SHARDED_SINK).with(clusterSink)
                    .with("errors.deadletterqueue.topic.name", "dlq." + SHARDED_SINK));
        }
        for (ConnectorConfig connector : connectors) {
            apply(rest, connector, appliedConfigs, resetConfigs);
        }
        for (ConnectorConfig connector : connectors) {
            rest.awaitAllTasksRunning(connector.name(), Duration.ofSeconds(120), 3);
        }
    }

    /** The shipped source pointed at the user's server, account and databases. */
    private ConnectorConfig ownSource(ConnectorConfig shipped) {
        var src = own.source();
        ConnectorConfig source = shipped.capturing(src.databases().get(0))
                .with("database.hostname", src.host())
                .with("database.port", String.valueOf(src.port()))
                .with("database.user", src.user())
                .with("database.password", src.password())
                .with("database.include.list", String.join(",", src.databases()));
        if (!signalTableExists(src, src.databases().get(0))) {
            out.println("  note: no table " + src.databases().get(0) + ".dbz_signal, so no incremental snapshots"
                    + " (scripts/snapshot-table.sh); create it as in connector-configs/sql/01-schema.sql to have them");
            source = source.without("signal.data.collection");
        }
        return source;
    }

    private static boolean signalTableExists(SourceConnection source, String database) {
        try (Connection c = source.connect()) {
            return LocalStackCli.count(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                    + database.replace("'", "''") + "' AND table_name = 'dbz_signal'") > 0;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Every table's topic of the captured databases but the signal table's. */
    private String topicsRegex(String topicPrefix) {
        List<String> dbs = new ArrayList<>();
        for (String db : databases()) {
            dbs.add(db.replaceAll("[^A-Za-z0-9_]", "\\\\$0"));
        }
        return topicPrefix.replaceAll("[^A-Za-z0-9_]", "\\\\$0") + "\\.(" + String.join("|", dbs)
                + ")\\.(?!dbz_signal$)[^.]+";
    }

    private void apply(ConnectRest rest, ConnectorConfig connector, Path appliedConfigs, boolean reset) {
        Path applied = StackHome.createDirectories(appliedConfigs).resolve(connector.name() + ".sha256");
        String hash = sha256(new java.util.TreeMap<>(connector.config()).toString());
        boolean exists = rest.get("/connectors/" + java.net.URLEncoder.encode(connector.name(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")).status() == 200;
        String last = readQuietly(applied);
        if (exists && !reset && hash.equals(last)) {
            out.println("  connector " + connector.name() + " kept as it runs (its file is unchanged since the last "
                    + "deploy; changes made through the REST API stay; --reset-configs applies the file again)");
            return;
        }
        rest.putConnector(connector.name(), connector.config());
        writeQuietly(applied, hash);
        out.println("  connector " + connector.name() + (!exists ? " registered"
                : reset ? " reset to its file (--reset-configs)"
                : " updated: its file changed since the last deploy"));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.exists(file) ? java.nio.file.Files.readString(file).strip() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static void writeQuietly(Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Where the source's binlog ends now, as the SMT's {@code _version} of a change written there
     * (file << 33 | position << 1, see CdcVersion): every change committed before this call has
     * a smaller version, every later one a larger.
     */
    static long binlogEndVersion(SourceConnection db) {
        try (Connection c = db.connect(); var s = c.createStatement();
             var rs = s.executeQuery(c.getMetaData().getDatabaseProductVersion().startsWith("8.4")
                     || c.getMetaData().getDatabaseProductVersion().startsWith("9.") ? "SHOW BINARY LOG STATUS"
                     : "SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new IllegalStateException("MariaDB: SHOW MASTER STATUS is empty (binlog off?)");
            }
            String file = rs.getString(1);
            long number = Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
            return number << 33 | rs.getLong(2) << 1;
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until ClickHouse has caught up with the source as it was when the deploy began: per
     * table, FINAL (not deleted) has the source's row count, or the table already holds a change
     * written after {@code sinceVersion} (each table is one ordered topic partition, so everything
     * before it is in). Counts alone never settle while a workload writes.
     */
    void awaitSnapshot(SourceConnection db, ClickHouseQueries clickHouse, long sinceVersion) {
        List<String> tables = new ArrayList<>();
        if (own.source() == null) {
            TABLES.forEach(t -> tables.add(DATABASE + "." + t));
        } else {
            try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(
                    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                            + " AND table_name <> 'dbz_signal' AND table_schema IN (" + quotedList(databases()) + ")"
                            + " ORDER BY 1, 2")) {
                while (rs.next()) {
                    tables.add(rs.getString(1) + "." + rs.getString(2));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("source: " + e.getMessage(), e);
            }
        }
        awaitCaughtUp(db, clickHouse, sinceVersion, tables, "the snapshot in ClickHouse", "snapshot in ClickHouse");
    }

    private static String quotedList(List<String> names) {
        List<String> quoted = new ArrayList<>();
        for (String n : names) {
            quoted.add("'" + n.replace("'", "''") + "'");
        }
        return String.join(", ", quoted);
    }

    /**
     * The same for the stream join, whose {@code _version} is the newest binlog version a row
     * reflects (a usability wait: a change on another join input may still be in flight).
     */
    void awaitEnriched(MariaDbServer db, ClickHouseQueries clickHouse, long sinceVersion) {
        awaitCaughtUp(db, clickHouse, sinceVersion, List.of(DATABASE + ".person_enriched"), "the enriched join in ClickHouse",
                "enriched join in ClickHouse");
    }

    /** {@code tables} as database.table; the ClickHouse table is the source table's namesake. */
    private void awaitCaughtUp(SourceConnection db, ClickHouseQueries clickHouse, long sinceVersion, List<String> tables,
            String what, String done) {
        long[] lastPrint = {System.nanoTime()};
        Map<String, String> progress = new LinkedHashMap<>();
        Wait.until(what, Duration.ofMinutes(5), () -> {
            boolean all = true;
            try (Connection c = db.connect()) {
                for (String table : tables) {
                    long source = LocalStackCli.count(c, "SELECT COUNT(*) FROM " + quoted(table));
                    long target = clickHouseCount(clickHouse, table);
                    // An empty table has no rows to create its ClickHouse table with.
                    boolean caughtUp = target == source || (source == 0 && target < 0)
                            || (target >= 0 && newestVersion(clickHouse, table) > sinceVersion);
                    progress.put(table, target + "/" + source + (caughtUp ? "" : " (behind)"));
                    all &= caughtUp;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("MariaDB: " + e.getMessage(), e);
            }
            if (!all && System.nanoTime() - lastPrint[0] > 3_000_000_000L) {
                out.println("  waiting for " + what + ": " + progress);
                lastPrint[0] = System.nanoTime();
            }
            return all;
        });
        out.println("  " + done + ": " + progress);
    }

    private static long newestVersion(ClickHouseQueries clickHouse, String table) {
        return Long.parseLong(clickHouse.query("SELECT max(_version) FROM " + quoted(table)).strip());
    }

    /** database.table as `database`.`table` (MySQL and ClickHouse quote alike). */
    private static String quoted(String table) {
        int dot = table.indexOf('.');
        return "`" + table.substring(0, dot).replace("`", "``") + "`.`" + table.substring(dot + 1).replace("`", "``") + "`";
    }

    /**
     * The query-time views over the CDC tables. CREATE VIEW needs its tables, which the sink
     * creates with the first rows: so this runs after {@link #awaitSnapshot}.
     */
    void createClickHouseViews(ClickHouseQueries clickHouse) {
        Path file = repoRoot.resolve("connector-configs").resolve(CLICKHOUSE_VIEWS);
        try {
            for (String sql : SqlScript.statements(java.nio.file.Files.readString(file))) {
                clickHouse.query(sql);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        out.println("  ClickHouse views from " + CLICKHOUSE_VIEWS + " created");
    }

    private static long clickHouseCount(ClickHouseQueries clickHouse, String table) {
        String exists = clickHouse.query("EXISTS TABLE " + quoted(table)).strip();
        if (!"1".equals(exists)) {
            return -1;
        }
        return Long.parseLong(clickHouse.query("SELECT count() FROM " + quoted(table) + " FINAL WHERE _deleted = 0")
                .strip());
    }
}
