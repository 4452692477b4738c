package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.kafka.ConnectRest;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.mariadb.SqlScript;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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

    void prepareClickHouse(ClickHouseServer clickHouse) {
        clickHouse.query("CREATE DATABASE IF NOT EXISTS " + DATABASE);
    }

    /**
     * Registers the connectors from connector-configs/. A connector that already runs is updated only
     * when its file changed since the last deploy (or with {@code resetConfigs}), so changes made
     * through the REST API survive a redeploy; {@code appliedConfigs} remembers what was applied.
     */
    void registerConnectors(ConnectRest rest, Path appliedConfigs, boolean resetConfigs) {
        ConnectorConfig source = ConnectorConfig.load(repoRoot, SOURCE_CONFIG)
                .with("database.hostname", "127.0.0.1")
                .with("database.port", String.valueOf(ports.mariaDb()))
                .with("schema.history.internal.kafka.bootstrap.servers", "127.0.0.1:" + ports.kafka());
        ConnectorConfig sink = ConnectorConfig.load(repoRoot, SINK_CONFIG)
                .with("clickhouse.url", "http://127.0.0.1:" + ports.clickHouseHttp());
        for (Map.Entry<String, String> e : cdcConverters.entrySet()) {
            source = source.with(e.getKey(), e.getValue());
            sink = sink.with(e.getKey(), e.getValue());
        }
        ConnectorConfig enrichedSink = ConnectorConfig.load(repoRoot, ENRICHED_SINK_CONFIG)
                .with("clickhouse.url", "http://127.0.0.1:" + ports.clickHouseHttp());
        List<ConnectorConfig> connectors = new java.util.ArrayList<>(List.of(source, sink, enrichedSink));
        if (!cdcConverters.isEmpty()) {
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
    static long binlogEndVersion(MariaDbServer db) {
        try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW MASTER STATUS")) {
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
    void awaitSnapshot(MariaDbServer db, ClickHouseServer clickHouse, long sinceVersion) {
        awaitCaughtUp(db, clickHouse, sinceVersion, TABLES, "the snapshot in ClickHouse", "snapshot in ClickHouse");
    }

    /**
     * The same for the stream join, whose {@code _version} is the newest binlog version a row
     * reflects (a usability wait: a change on another join input may still be in flight).
     */
    void awaitEnriched(MariaDbServer db, ClickHouseServer clickHouse, long sinceVersion) {
        awaitCaughtUp(db, clickHouse, sinceVersion, List.of("person_enriched"), "the enriched join in ClickHouse",
                "enriched join in ClickHouse");
    }

    private void awaitCaughtUp(MariaDbServer db, ClickHouseServer clickHouse, long sinceVersion, List<String> tables,
            String what, String done) {
        long[] lastPrint = {System.nanoTime()};
        Map<String, String> progress = new LinkedHashMap<>();
        Wait.until(what, Duration.ofMinutes(5), () -> {
            boolean all = true;
            try (Connection c = db.connect()) {
                for (String table : tables) {
                    long source = LocalStackCli.count(c, "SELECT COUNT(*) FROM " + DATABASE + ".`" + table + "`");
                    long target = clickHouseCount(clickHouse, table);
                    boolean caughtUp = target == source || (target >= 0 && newestVersion(clickHouse, table) > sinceVersion);
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

    private static long newestVersion(ClickHouseServer clickHouse, String table) {
        return Long.parseLong(clickHouse.query("SELECT max(_version) FROM " + DATABASE + ".`" + table + "`").strip());
    }

    /**
     * The query-time views over the CDC tables. CREATE VIEW needs its tables, which the sink
     * creates with the first rows: so this runs after {@link #awaitSnapshot}.
     */
    void createClickHouseViews(ClickHouseServer clickHouse) {
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

    private static long clickHouseCount(ClickHouseServer clickHouse, String table) {
        String exists = clickHouse.query("EXISTS TABLE " + DATABASE + "." + table).strip();
        if (!"1".equals(exists)) {
            return -1;
        }
        return Long.parseLong(clickHouse.query("SELECT count() FROM " + DATABASE + ".`" + table
                + "` FINAL WHERE _deleted = 0").strip());
    }
}
