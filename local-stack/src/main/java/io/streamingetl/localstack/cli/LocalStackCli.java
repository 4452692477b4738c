package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.clickhouse.ClickHouseCluster;
import io.streamingetl.localstack.clickhouse.ClickHouseQueries;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.enrichment.EnrichmentProcess;
import io.streamingetl.localstack.kafka.ConnectWorker;
import io.streamingetl.localstack.kafka.KafkaBroker;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.mariadb.ExternalSource;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.mariadb.SourceConnection;
import io.streamingetl.localstack.mariadb.SourcePreflight;
import io.streamingetl.localstack.mariadb.SqlScript;
import io.streamingetl.localstack.process.JavaCommand;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import io.streamingetl.localstack.registry.RegistryServer;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Local mode of {@code ./deploy.sh} and {@code ./terminate.sh}: the whole pipeline on this
 * machine without Docker, through the same component classes the tests use.
 *
 * <pre>
 * LocalStackCli up             start what is not running, register connectors, wait for the snapshot
 * LocalStackCli up --avro      the same with change events as Avro through a schema registry (sticky)
 * LocalStackCli up --clickhouse-shards=N
 *                              also an N-shard ClickHouse cluster and a second CDC sink into it (sticky)
 * LocalStackCli down [--purge] stop what up started (--purge also deletes data and logs)
 * LocalStackCli status         the table of components, URLs and health
 * </pre>
 */
public final class LocalStackCli {
    private static final PrintStream OUT = System.out;
    /** The pipeline console (connect-console's archive is in the plugin path) on the worker's REST port. */
    static final String CONSOLE_OPTION = "rest.extension.classes";
    static final String CONSOLE_CLASS = "io.streamingetl.console.ConsoleRestExtension";

    private final Path repoRoot;
    private final LocalLayout layout;
    private final LocalPorts ports;

    LocalStackCli(Path repoRoot) {
        this.repoRoot = repoRoot;
        this.layout = LocalLayout.of(repoRoot);
        this.ports = LocalPorts.fromEnvironment();
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "status" : args[0];
        LocalStackCli cli = new LocalStackCli(StackLayout.repoRoot());
        try {
            switch (command) {
                case "up" -> cli.up(List.of(args).contains("--avro"), List.of(args).contains("--reset-configs"),
                        shardsOption(args), workersOption(args), cli.ownSystems(args));
                case "down" -> cli.down(List.of(args).contains("--purge"));
                case "status" -> cli.printStatus();
                default -> {
                    System.err.println("usage: LocalStackCli up [--avro] [--reset-configs] [--clickhouse-shards=N]"
                            + " [--connect-workers=N] | down [--purge] | status");
                    System.exit(2);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    /** {@code --clickhouse-shards=N}: N (2 to 8), or 0 when absent. */
    static int shardsOption(String[] args) {
        return countOption(args, "--clickhouse-shards", 2, 8, "a shard count");
    }

    /** {@code --connect-workers=N}: N (1 to 4), or 0 when absent. */
    static int workersOption(String[] args) {
        return countOption(args, "--connect-workers", 1, MAX_WORKERS, "a worker count");
    }

    /** {@code NAME=N} with N a single digit from min to max, or 0 when absent. */
    private static int countOption(String[] args, String name, int min, int max, String what) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                String n = a.substring(name.length() + 1);
                if (!n.matches("[" + min + "-" + max + "]")) {
                    throw new IllegalArgumentException(name + " takes " + what + " from " + min + " to " + max + ", got " + n);
                }
                return Integer.parseInt(n);
            }
        }
        return 0;
    }

    static final int MAX_WORKERS = 4;

    void up() {
        up(false, false, 0, 0, ownSystems(new String[0]));
    }

    /** --source / --clickhouse, given now or remembered from an earlier deploy. */
    OwnSystems ownSystems(String[] args) {
        return OwnSystems.resolve(layout.pidFile("registry").resolveSibling("own-systems.properties"), args,
                System.getenv());
    }

    /**
     * @param avro change events as Avro (Apicurio's converter, Confluent wire format) through a
     *             local schema registry; remembered in the state, so a later plain {@code up} keeps it
     */
    void up(boolean avro, boolean resetConfigs, int shardsOption, int workersOption, OwnSystems own) {
        Path avroMarker = layout.pidFile("registry").resolveSibling("avro-mode");
        if (avro) {
            StackHome.createDirectories(avroMarker.getParent());
            try {
                Files.writeString(avroMarker, "avro\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        avro = Files.exists(avroMarker);
        int shards = clusterShards(shardsOption);
        int workers = connectWorkers(workersOption);
        if (own.any() && (avro || shards > 0)) {
            throw new IllegalArgumentException("--source/--clickhouse (your own systems) run the CDC source and sink"
                    + " only; --avro and --clickhouse-shards are for the local demo systems");
        }
        OUT.println("Local mode" + (avro ? " (Avro through the schema registry)" : "")
                + (shards > 0 ? " with a " + shards + "-shard ClickHouse cluster" : "")
                + (workers > 1 ? " with " + workers + " Connect workers" : "") + ": state under " + layout.root());
        if (avro) {
            ensure("registry", LocalPorts.registry(), this::startRegistry);
        }
        boolean sourceIsMariaDb = true;
        if (own.source() != null) {
            sourceIsMariaDb = preflight(own.source());
        } else {
            ensure("mariadb", ports.mariaDb(), this::startMariaDb);
        }
        if (own.clickHouse() != null) {
            String version = own.clickHouse().query("SELECT version()").strip();
            OUT.printf("  %-10s yours at %s (ClickHouse %s, user %s)%n", "clickhouse", own.clickHouse().httpUrl(),
                    version, own.clickHouse().user());
        } else {
            ensure("clickhouse", ports.clickHouseHttp(), this::startClickHouse);
        }
        ensure("kafka", ports.kafka(), this::startKafka);
        ensure("connect", ports.connect(), () -> startConnect(1));
        for (int k = 2; k <= MAX_WORKERS; k++) {
            int worker = k;
            if (k <= workers) {
                ensure("connect-" + k, workerPort(k), () -> startConnect(worker));
            } else {
                stop("connect-" + k); // fewer workers than last time: the others leave the group
            }
        }
        ClickHouseCluster cluster = shards > 0 ? cluster(shards) : null;
        if (cluster != null) {
            for (int i = 1; i <= shards; i++) {
                ClickHouseServer node = cluster.shard(i);
                ensure("clickhouse-shard-" + i, node.httpPort(), () -> node.start().process());
            }
        }
        Pipeline pipeline = new Pipeline(repoRoot, ports, OUT).withOwnSystems(own, sourceIsMariaDb);
        SourceConnection source = own.source() != null ? own.source() : mariaDb();
        ClickHouseQueries target = own.clickHouse() != null ? own.clickHouse() : clickHouse();
        if (avro) {
            pipeline.withCdcConverters(RegistryServer.avroConverterConfig(registry().apiV2Url()));
        }
        if (cluster != null) {
            pipeline.withShardedSink(cluster.sinkOptions());
        }
        if (own.source() == null) {
            pipeline.prepareSource(mariaDb());
        }
        long deployStart = Pipeline.binlogEndVersion(source);
        pipeline.prepareClickHouse(target);
        if (cluster != null) {
            for (int i = 1; i <= shards; i++) {
                pipeline.prepareClickHouse(cluster.shard(i));
            }
        }
        pipeline.registerConnectors(connectRest(), layout.root().resolve("connectors"), resetConfigs);
        if (!avro && !own.any()) {
            ensureEnrichment();
        }
        pipeline.awaitSnapshot(source, target, deployStart);
        if (cluster != null) {
            // Through shard 1's Distributed tables: FINAL over every shard.
            pipeline.awaitSnapshot(mariaDb(), cluster.shard(1), deployStart);
        }
        if (own.any()) {
            printStatus();
            return; // the demo's views and join are not for the user's own tables
        }
        pipeline.createClickHouseViews(clickHouse());
        if (avro) {
            // The Kafka Streams app reads the CDC topics through JsonConverter.
            OUT.println("  enrichment (Kafka Streams) not started: it reads JSON change events");
        } else {
            pipeline.awaitEnriched(mariaDb(), clickHouse(), deployStart);
        }
        printStatus();
    }

    /**
     * The cluster's shard count: the option, else what an earlier {@code up} chose (sticky, like
     * --avro, so a plain redeploy brings the shards back), else 0.
     */
    private int clusterShards(int option) {
        return sticky("clickhouse-shards", option, 0);
    }

    /** The Connect worker count: the option, else an earlier {@code up}'s (sticky, like the shards), else 1. */
    private int connectWorkers(int option) {
        return sticky("connect-workers", option, 1);
    }

    /** A count option remembered in the state directory: a given one is written, an absent one read back. */
    private int sticky(String name, int option, int fallback) {
        Path marker = layout.pidFile("registry").resolveSibling(name);
        try {
            if (option > 0) {
                StackHome.createDirectories(marker.getParent());
                Files.writeString(marker, option + "\n");
                return option;
            }
            return Files.exists(marker) ? Integer.parseInt(Files.readString(marker).strip()) : fallback;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Checks the user's own source before anything starts: every problem with the setting or grant
     * that fixes it, and the deploy stops; notes are printed. Returns whether it is MariaDB.
     */
    private boolean preflight(ExternalSource source) {
        long serverId = Long.parseLong(ConnectorConfig.load(repoRoot, Pipeline.SOURCE_CONFIG).config()
                .get("database.server.id"));
        SourcePreflight.Result r = SourcePreflight.check(source, "'" + source.user() + "'", source.databases(), serverId);
        OUT.printf("  %-10s yours at %s (%s, capturing %s as %s)%n", "source", source.address(), r.version(),
                String.join(", ", source.databases()), source.user());
        for (String note : r.notes()) {
            OUT.println("  note: " + note);
        }
        if (!r.problems().isEmpty()) {
            StringBuilder b = new StringBuilder("the source at " + source.address() + " is not ready for capture:");
            for (String problem : r.problems()) {
                b.append("\n  - ").append(problem);
            }
            throw new IllegalStateException(b.toString());
        }
        OUT.printf("  %-10s preflight passed (row binlog, full images, grants, databases)%n", "source");
        return r.mariaDb();
    }

    /** Worker k (from 1) serves Connect's REST API on the Connect port + k - 1. */
    private int workerPort(int k) {
        return ports.connect() + k - 1;
    }

    private void stop(String name) {
        PidFile pid = new PidFile(layout.pidFile(name));
        pid.live().ifPresent(p -> {
            OUT.printf("  %-10s stopping (pid %d) ...%n", name, p.pid());
            ManagedProcess.stop(p, Duration.ofSeconds(30));
        });
        pid.delete();
    }

    private ClickHouseCluster cluster(int shards) {
        return ClickHouseCluster.detached(layout.data("clickhouse-cluster"), shards, LocalPorts.shardsHttpBase(),
                LocalPorts.shardsTcpBase());
    }

    /** Starts a component unless its recorded process is alive; a foreign process on the port is an error. */
    private void ensure(String name, int port, Supplier<ManagedProcess> start) {
        PidFile pid = new PidFile(layout.pidFile(name));
        Optional<ProcessHandle> running = pid.live();
        if (running.isPresent()) {
            OUT.printf("  %-10s already running (pid %d)%n", name, running.get().pid());
            return;
        }
        Ports.requireFree(port, name);
        OUT.printf("  %-10s starting on 127.0.0.1:%d ...%n", name, port);
        long t0 = System.nanoTime();
        ManagedProcess process = start.get();
        pid.write(process.pid());
        OUT.printf("  %-10s up in %.1f s (pid %d, log %s)%n", name, (System.nanoTime() - t0) / 1e9, process.pid(),
                process.logFile());
    }

    /** The Kafka Streams enrichment app (no port of its own): started unless its recorded JVM is alive. */
    private void ensureEnrichment() {
        PidFile pid = new PidFile(layout.pidFile("enrichment"));
        Optional<ProcessHandle> running = pid.live();
        if (running.isPresent()) {
            OUT.printf("  %-10s already running (pid %d)%n", "enrichment", running.get().pid());
            return;
        }
        OUT.printf("  %-10s starting (Kafka Streams, %s) ...%n", "enrichment", EnrichmentProcess.MAIN_CLASS);
        long t0 = System.nanoTime();
        EnrichmentProcess app = new EnrichmentProcess(layout.data("enrichment"), "127.0.0.1:" + ports.kafka(),
                Lifetime.DETACHED);
        try {
            app.start();
        } finally {
            if (app.process() != null) {
                pid.write(app.process().pid());
            }
        }
        OUT.printf("  %-10s up in %.1f s (pid %d, log %s)%n", "enrichment", (System.nanoTime() - t0) / 1e9,
                app.process().pid(), app.process().logFile());
    }

    private ManagedProcess startMariaDb() {
        return mariaDb().start().process();
    }

    private ManagedProcess startClickHouse() {
        return clickHouse().start().process();
    }

    private ManagedProcess startKafka() {
        return new KafkaBroker(layout.data("kafka"), ports.kafka(), ports.kafkaController(), Lifetime.DETACHED,
                JavaCommand.currentClasspath()).start().process();
    }

    /** Worker k of the group: one group id, internal topics and plugin path; its own REST port and data folder. */
    private ManagedProcess startConnect(int k) {
        Path plugins = StackLayout.pluginPath();
        return new ConnectWorker(layout.data(k == 1 ? "connect" : "connect-" + k), "127.0.0.1:" + ports.kafka(), workerPort(k),
                List.of(plugins), Map.of(CONSOLE_OPTION, CONSOLE_CLASS), Lifetime.DETACHED,
                JavaCommand.currentClasspath()).start().process();
    }

    private ManagedProcess startRegistry() {
        return registry().start().process();
    }

    private RegistryServer registry() {
        return new RegistryServer(layout.data("registry"), LocalPorts.registry(), LocalPorts.registryManagement(),
                Lifetime.DETACHED);
    }

    private MariaDbServer mariaDb() {
        return new MariaDbServer(layout.data("mariadb"), ports.mariaDb(), Lifetime.DETACHED);
    }

    private ClickHouseServer clickHouse() {
        return new ClickHouseServer(layout.data("clickhouse"), ports.clickHouseHttp(), ports.clickHouseTcp(),
                Lifetime.DETACHED, null);
    }

    private io.streamingetl.localstack.kafka.ConnectRest connectRest() {
        return new io.streamingetl.localstack.kafka.ConnectRest("http://127.0.0.1:" + ports.connect());
    }

    void down(boolean purge) {
        // Reverse order: the worker commits offsets to Kafka while it stops.
        List<String> names = new ArrayList<>(List.of("enrichment"));
        for (int k = MAX_WORKERS; k >= 2; k--) {
            names.add("connect-" + k);
        }
        names.addAll(List.of("connect", "kafka", "clickhouse", "mariadb", "registry"));
        for (int i = 1; i <= 8; i++) {
            if (Files.exists(layout.pidFile("clickhouse-shard-" + i))) {
                names.add("clickhouse-shard-" + i);
            }
        }
        for (String name : names) {
            PidFile pid = new PidFile(layout.pidFile(name));
            pid.live().ifPresentOrElse(p -> {
                OUT.printf("  %-10s stopping (pid %d) ...%n", name, p.pid());
                ManagedProcess.stop(p, Duration.ofSeconds(30));
            }, () -> OUT.printf("  %-10s not running%n", name));
            pid.delete();
        }
        if (purge) {
            OUT.println("  purging " + layout.root());
            StackHome.deleteRecursively(layout.root());
        }
    }

    void printStatus() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"COMPONENT", "ADDRESS", "PID", "HEALTH"});
        OwnSystems own = ownSystems(new String[0]);
        if (own.source() != null) {
            rows.add(new String[] {"Source (yours)", own.source().address() + " (" + String.join(", ",
                    own.source().databases()) + ", user " + own.source().user() + ")", "-", health(reachable(own.source()))});
        } else {
            rows.add(new String[] {"MariaDB", "127.0.0.1:" + ports.mariaDb() + " (db streaming_etl_db, user streaming_etl)",
                    pidOf("mariadb"), health(Ports.isListening(ports.mariaDb()))});
        }
        rows.add(new String[] {"Kafka", "127.0.0.1:" + ports.kafka(), pidOf("kafka"), health(Ports.isListening(ports.kafka()))});
        rows.add(new String[] {"Connect REST", "http://127.0.0.1:" + ports.connect(), pidOf("connect"),
                health(Ports.isListening(ports.connect()) && connectRest().isReady())});
        for (int k = 2; k <= connectWorkers(0); k++) {
            int port = workerPort(k);
            rows.add(new String[] {"Connect worker " + k + " (same group)", "http://127.0.0.1:" + port, pidOf("connect-" + k),
                    health(Ports.isListening(port))});
        }
        rows.add(new String[] {"Pipeline console", "http://127.0.0.1:" + ports.connect() + "/console", pidOf("connect"),
                health(Ports.isListening(ports.connect()) && connectRest().get("/console").status() == 200)});
        if (own.clickHouse() != null) {
            rows.add(new String[] {"ClickHouse (yours)", own.clickHouse().httpUrl() + " (user " + own.clickHouse().user()
                    + ")", "-", health(reachable(own.clickHouse()))});
        } else {
            rows.add(new String[] {"ClickHouse", "http://127.0.0.1:" + ports.clickHouseHttp() + " (native "
                    + ports.clickHouseTcp() + ")", pidOf("clickhouse"),
                    health(Ports.isListening(ports.clickHouseHttp()) && clickHouse().ping())});
        }
        int shards = clusterShards(0);
        if (shards > 0) {
            ClickHouseCluster cluster = cluster(shards);
            for (int i = 1; i <= shards; i++) {
                ClickHouseServer node = cluster.shard(i);
                rows.add(new String[] {"ClickHouse shard " + i + " (" + ClickHouseCluster.NAME + ")", node.httpUrl()
                        + " (native " + node.tcpPort() + ")", pidOf("clickhouse-shard-" + i),
                        health(Ports.isListening(node.httpPort()) && node.ping())});
            }
        }
        boolean avro = Files.exists(layout.pidFile("registry").resolveSibling("avro-mode"));
        rows.add(new String[] {"Enrichment (Kafka Streams)", "streaming_etl.person_enriched, streaming_etl.people_per_city",
                pidOf("enrichment"), own.any() ? "not used with your own systems (the join is the demo's)"
                : avro ? "not used in Avro mode (it reads JSON change events)"
                : health(new PidFile(layout.pidFile("enrichment")).live().isPresent())});
        if (new PidFile(layout.pidFile("registry")).live().isPresent()) {
            RegistryServer registry = registry();
            rows.add(new String[] {"Schema registry (Apicurio)", registry.url() + " (Confluent API "
                    + registry.ccompatUrl() + ")", pidOf("registry"), health(registry.isReady())});
        }
        if (Ports.isListening(ports.connect())) {
            List<String> connectors = new ArrayList<>(new Pipeline(repoRoot, ports, OUT)
                    .withOwnSystems(own, own.source() == null || reachableMariaDb(own.source())).connectorNames());
            if (shards > 0) {
                connectors.add(Pipeline.SHARDED_SINK);
            }
            for (String name : connectors) {
                var status = connectRest().status(name);
                String state = status.status() == 200
                        ? status.body().path("connector").path("state").asText() + ", tasks " + tasks(status.body())
                        : "not registered";
                rows.add(new String[] {"connector", name, "", state});
            }
        }
        OUT.println();
        int[] widths = new int[3];
        for (String[] r : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            OUT.printf("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s%n", r[0], r[1], r[2], r[3]);
        }
        OUT.println();
        OUT.println("Data and logs (*.log): " + layout.root().resolve("data"));
    }

    /** Each task's state and the worker (REST port) it runs on, e.g. [RUNNING on :8083, RUNNING on :8084]. */
    private static List<String> tasks(com.fasterxml.jackson.databind.JsonNode status) {
        List<String> tasks = new ArrayList<>();
        for (var task : status.path("tasks")) {
            String worker = task.path("worker_id").asText();
            tasks.add(task.path("state").asText() + " on " + worker.substring(Math.max(0, worker.lastIndexOf(':'))));
        }
        return tasks;
    }

    private static boolean reachable(SourceConnection source) {
        try (Connection c = source.connect()) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean reachableMariaDb(SourceConnection source) {
        try (Connection c = source.connect()) {
            return c.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
        } catch (SQLException e) {
            return true;
        }
    }

    private static boolean reachable(ClickHouseQueries clickHouse) {
        try {
            return "1".equals(clickHouse.query("SELECT 1").strip());
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** The component's pid while its recorded process lives, else "-". */
    private String pidOf(String component) {
        return new PidFile(layout.pidFile(component)).live().map(p -> String.valueOf(p.pid())).orElse("-");
    }

    private static String health(boolean ok) {
        return ok ? "UP" : "DOWN";
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
