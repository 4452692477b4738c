package io.streamingetl.localstack.junit;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.clickhouse.ClickHouseCluster;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.kafka.ConnectWorker;
import io.streamingetl.localstack.kafka.ConnectorConfig;
import io.streamingetl.localstack.kafka.KafkaBroker;
import io.streamingetl.localstack.mariadb.MariaDbServer;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import io.streamingetl.localstack.registry.RegistryServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Gives a test class the real components it asks for, started once before its first test and
 * stopped after its last:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);
 * </pre>
 *
 * Data and logs go to {@code target/local-stack/<TestClass>/} of the module under test, so a
 * failed CI run leaves the servers' logs next to the surefire reports.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {
    public enum Component {
        CLICKHOUSE, MARIADB, KAFKA, CONNECT,
        /** Apicurio Registry (Confluent-compatible API) for Avro; connectors opt in per config. */
        REGISTRY
    }

    private final Set<Component> components;
    private final Map<String, String> workerOverrides = new HashMap<>();
    private String clickHouseConfig;
    private String clickHouseUsers;
    private Path baseDir;
    private ClickHouseServer clickHouse;
    private int clusterShards;
    private String timeZone;
    private ClickHouseCluster cluster;
    private MariaDbServer mariaDb;
    private KafkaBroker kafka;
    private ConnectWorker connect;
    private RegistryServer registry;

    private LocalStackExtension(Set<Component> components) {
        this.components = components;
    }

    public static LocalStackExtension with(Component first, Component... rest) {
        EnumSet<Component> set = EnumSet.of(first, rest);
        if (set.contains(Component.CONNECT)) {
            set.add(Component.KAFKA);
        }
        return new LocalStackExtension(set);
    }

    /** Extra worker settings, e.g. {@code errors.*} defaults or converters. */
    public LocalStackExtension workerConfig(String key, String value) {
        workerOverrides.put(key, value);
        return this;
    }

    /**
     * ClickHouse's server configuration and users file, each the XML inside {@code <clickhouse>}
     * (e.g. merge_tree settings; a default user whose profile changes a query setting).
     */
    public LocalStackExtension clickHouseConfig(String configXml, String usersXml) {
        clickHouseConfig = configXml;
        clickHouseUsers = usersXml;
        return this;
    }

    /** Also a sharded ClickHouse cluster of {@code shards} processes ({@link ClickHouseCluster}). */
    public LocalStackExtension clickHouseCluster(int shards) {
        clusterShards = shards;
        return this;
    }

    /**
     * MariaDB, the worker JVM and ClickHouse in {@code zone} (e.g. one with DST) instead of UTC and
     * the machine's zone: what a user's servers outside UTC do.
     */
    public LocalStackExtension timeZone(String zone) {
        timeZone = zone;
        return this;
    }

    private ClickHouseServer newClickHouse(Path dir) {
        if (clickHouseConfig == null) {
            ClickHouseServer server = ClickHouseServer.forTests(dir);
            return timeZone == null ? server : server.timeZone(timeZone);
        }
        try {
            String users = "";
            if (clickHouseUsers != null) {
                Path file = Files.writeString(dir.resolveSibling("clickhouse-users.xml"),
                        "<clickhouse>\n" + clickHouseUsers + "\n</clickhouse>\n");
                users = "<user_directories><users_xml><path>" + file.toAbsolutePath() + "</path></users_xml></user_directories>\n";
            }
            Path config = Files.writeString(dir.resolveSibling("clickhouse-config.xml"),
                    "<clickhouse>\n" + clickHouseConfig + "\n" + users + "</clickhouse>\n");
            ClickHouseServer server = new ClickHouseServer(dir, Ports.free(), Ports.free(), Lifetime.TIED,
                    config.toAbsolutePath());
            return timeZone == null ? server : server.timeZone(timeZone);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        baseDir = freshDir(Path.of("target", "local-stack", context.getRequiredTestClass().getSimpleName()));
        List<CompletableFuture<?>> starting = new ArrayList<>();
        if (components.contains(Component.CLICKHOUSE)) {
            starting.add(CompletableFuture.runAsync(() -> clickHouse = startOnFreePorts(
                    baseDir.resolve("clickhouse"), this::newClickHouse, ClickHouseServer::start)));
        }
        if (clusterShards > 0) {
            starting.add(CompletableFuture.runAsync(() -> cluster = startOnFreePorts(baseDir.resolve("clickhouse-cluster"),
                    dir -> ClickHouseCluster.forTests(dir, clusterShards), ClickHouseCluster::start)));
        }
        if (components.contains(Component.KAFKA)) {
            starting.add(CompletableFuture.runAsync(() -> kafka = startOnFreePorts(
                    baseDir.resolve("kafka"), KafkaBroker::forTests, KafkaBroker::start)));
        }
        if (components.contains(Component.REGISTRY)) {
            starting.add(CompletableFuture.runAsync(() -> registry = startOnFreePorts(
                    baseDir.resolve("registry"), RegistryServer::forTests, RegistryServer::start)));
        }
        try {
            try {
                if (components.contains(Component.MARIADB)) {
                    // On this thread: mariadbd is tied to the thread that starts it (see MariaDbServer).
                    mariaDb = startOnFreePorts(baseDir.resolve("mariadb"),
                            dir -> MariaDbServer.forTests(dir).timeZone(timeZone), MariaDbServer::start);
                }
            } finally {
                // All of them, even after a failure: afterAll must see every server that did start.
                CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            }
            starting.forEach(CompletableFuture::join);
            if (components.contains(Component.CONNECT)) {
                connect = startOnFreePorts(baseDir.resolve("connect"),
                        dir -> ConnectWorker.forTests(dir, kafka.bootstrapServers(), List.of(StackLayout.pluginPath()),
                                workerOverrides).timeZone(timeZone),
                        ConnectWorker::start);
            }
        } catch (RuntimeException e) {
            afterAll(context);
            throw unwrap(e);
        }
    }

    /**
     * Starts a server on ports from {@link Ports#free()}, again on fresh ports if one was taken
     * between the pick and the server's bind: by another build on the same machine, or by an
     * outgoing connection where the ephemeral range is wider than Linux's default (seen in CI:
     * "port ... is already in use").
     */
    static <T extends AutoCloseable> T startOnFreePorts(Path dir, Function<Path, T> create, Consumer<T> start) {
        for (int attempt = 1; ; attempt++) {
            T server = create.apply(freshDir(dir));
            try {
                start.accept(server);
                return server;
            } catch (RuntimeException e) {
                closeQuietly(server);
                if (attempt == 3 || !portTaken(e)) {
                    throw e;
                }
                System.err.println("[local-stack] " + dir.getFileName() + ": a port was taken before the server bound it;"
                        + " starting again on fresh ports (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception ignored) {
            // it did not start; nothing more to release
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Reverse order of dependency: the worker still talks to Kafka while it stops.
        if (connect != null) {
            connect.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (mariaDb != null) {
            mariaDb.stop();
        }
        if (clickHouse != null) {
            clickHouse.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (registry != null) {
            registry.stop();
        }
    }

    public ClickHouseServer clickHouse() {
        return require(clickHouse, Component.CLICKHOUSE);
    }

    public ClickHouseCluster clickHouseCluster() {
        if (cluster == null) {
            throw new IllegalStateException("no cluster was requested: LocalStackExtension.with(...).clickHouseCluster(n)");
        }
        return cluster;
    }

    public MariaDbServer mariaDb() {
        return require(mariaDb, Component.MARIADB);
    }

    public KafkaBroker kafka() {
        return require(kafka, Component.KAFKA);
    }

    public ConnectWorker connect() {
        return require(connect, Component.CONNECT);
    }

    public RegistryServer registry() {
        return require(registry, Component.REGISTRY);
    }

    /**
     * The shipped Debezium source connector (connector-configs/source/mariadb-source.json, the file
     * users POST) for this stack: its MariaDB and Kafka, capturing {@code database} (include list,
     * schema history topic, signal table). Name, topic prefix, server id and credentials are the
     * file's: a class that creates the CDC user creates the file's ({@code debezium}/{@code dbz}).
     */
    public ConnectorConfig sourceConfig(String database) {
        return ConnectorConfig.load(ConnectorConfig.SOURCE)
                .with("database.hostname", "127.0.0.1") // MariaDbServer listens on loopback
                .with("database.port", String.valueOf(mariaDb().port()))
                .with("schema.history.internal.kafka.bootstrap.servers", kafka().bootstrapServers())
                .capturing(database);
    }

    /**
     * {@link #sourceConfig(String)} with its own topic prefix and server id: a second source
     * connector on the same MariaDB, or topics that tell this test's from the pipeline's.
     */
    public ConnectorConfig sourceConfig(String database, String topicPrefix, int serverId) {
        return sourceConfig(database)
                .with("topic.prefix", topicPrefix)
                .with("database.server.id", String.valueOf(serverId));
    }

    /**
     * The shipped CDC sink (connector-configs/sink/clickhouse-sink.json) for this stack: the change
     * topics {@link #sourceConfig(String)} writes for {@code database} into the ClickHouse database
     * of the same name on this stack's ClickHouse.
     */
    public ConnectorConfig sinkConfig(String database) {
        return sinkConfig(clickHouse(), database);
    }

    /** {@link #sinkConfig(String)} into a ClickHouse server the test started itself. */
    public ConnectorConfig sinkConfig(ClickHouseServer target, String database) {
        return shippedSink(database).with("clickhouse.url", target.httpUrl());
    }

    /** {@link #sinkConfig(String)} into this stack's cluster ({@link ClickHouseCluster#sinkOptions()}). */
    public ConnectorConfig clusterSinkConfig(String database) {
        return shippedSink(database).with(clickHouseCluster().sinkOptions());
    }

    /**
     * The shipped sink of the enrichment's join and aggregate topics
     * (connector-configs/sink/clickhouse-sink-enriched.json) into this stack's ClickHouse.
     */
    public ConnectorConfig enrichedSinkConfig() {
        return ConnectorConfig.load(ConnectorConfig.ENRICHED_SINK).with("clickhouse.url", clickHouse().httpUrl());
    }

    private static ConnectorConfig shippedSink(String database) {
        String topicPrefix = ConnectorConfig.load(ConnectorConfig.SOURCE).config().get("topic.prefix");
        return ConnectorConfig.load(ConnectorConfig.SINK).sinking(topicPrefix, database);
    }

    /** This test class's folder for data and logs. */
    public Path baseDir() {
        return baseDir;
    }

    private <T> T require(T component, Component which) {
        if (component == null) {
            throw new IllegalStateException(which + " was not requested: LocalStackExtension.with(..., " + which + ")");
        }
        return component;
    }

    private static RuntimeException unwrap(RuntimeException e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() instanceof RuntimeException r
                ? r : e;
    }

    private static Path freshDir(Path dir) {
        try {
            Path absolute = dir.toAbsolutePath();
            StackHome.deleteRecursively(absolute);
            return Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
