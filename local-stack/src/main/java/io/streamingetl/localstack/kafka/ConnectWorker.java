package io.streamingetl.localstack.kafka;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.JavaCommand;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ServerProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A distributed Kafka Connect worker ({@code connect-distributed.sh}'s main) in its own JVM, with
 * its REST API on 127.0.0.1 and the plugins loaded from {@code plugin.path} in isolated class
 * loaders, as users run it.
 */
public final class ConnectWorker extends ServerProcess {
    private final Path dataDir;
    private final String bootstrapServers;
    private final int restPort;
    private final List<Path> pluginPath;
    private final Map<String, String> overrides;
    private final Lifetime lifetime;
    private final String classpath;
    private final boolean ownMain;
    private String timeZone;

    public ConnectWorker(Path dataDir, String bootstrapServers, int restPort, List<Path> pluginPath,
                         Map<String, String> overrides, Lifetime lifetime, String classpath) {
        this(dataDir, bootstrapServers, restPort, pluginPath, overrides, lifetime, classpath, true);
    }

    private ConnectWorker(Path dataDir, String bootstrapServers, int restPort, List<Path> pluginPath,
                          Map<String, String> overrides, Lifetime lifetime, String classpath, boolean ownMain) {
        super(Duration.ofSeconds(30));
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.restPort = restPort;
        this.pluginPath = List.copyOf(pluginPath);
        this.overrides = Map.copyOf(overrides);
        this.lifetime = lifetime;
        this.classpath = classpath;
        this.ownMain = ownMain;
    }

    public static ConnectWorker forTests(Path dataDir, String bootstrapServers, List<Path> pluginPath,
                                         Map<String, String> overrides) {
        return new ConnectWorker(dataDir, bootstrapServers, Ports.free(), pluginPath, overrides, Lifetime.TIED,
                JavaCommand.currentClasspath());
    }

    /**
     * A worker of another Kafka version, e.g. the 3.9 that the Docker stack's images run: its own
     * class path and Kafka's {@code ConnectDistributed} main, without our launcher.
     */
    public static ConnectWorker otherVersionForTests(Path dataDir, String bootstrapServers, List<Path> pluginPath,
                                                     Map<String, String> overrides, String classpath) {
        return new ConnectWorker(dataDir, bootstrapServers, Ports.free(), pluginPath, overrides, Lifetime.TIED,
                classpath, false);
    }

    /**
     * The machine's zone as the worker process sees it (TZ), e.g. one with DST: the worker JVM
     * still runs in UTC (see {@link #start()}), as every worker of this pipeline must.
     */
    public ConnectWorker timeZone(String zone) {
        this.timeZone = zone;
        return this;
    }

    public synchronized ConnectWorker start() {
        if (isRunning()) {
            return this;
        }
        Ports.requireFree(restPort, "Connect REST");
        for (Path dir : pluginPath) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("plugin.path entry " + dir + " does not exist; build the plugin "
                        + "archives first (mvn -pl packaging -am package)");
            }
        }
        Path config = writeConfig();
        List<String> command;
        if (ownMain) {
            List<String> args = new ArrayList<>(List.of("connect", config.toString()));
            if (lifetime == Lifetime.TIED) {
                args.add("--exit-on-stdin-eof");
            }
            // The worker carries the whole data path: ParallelGC with its heap committed up front
            // paused it 0.9 s a minute at 10,000 changes/s where the other JVMs' SerialGC paused it 4.2 s.
            List<String> jvm = new ArrayList<>(List.of("-Dlog4j2.configurationFile=" + Log4j.config(dataDir), "-Xms1g"));
            // Extra worker JVM options, e.g. another collector (which then replaces ParallelGC).
            String extra = System.getenv("STREAMINGETL_CONNECT_JVM_OPTIONS");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            // Debezium's snapshots read DATETIME through a Calendar in the JVM's zone: outside UTC a
            // wall-clock time in a DST gap moves by an hour (02:30 becomes 03:30).
            jvm.add("-Duser.timezone=UTC");
            if (!JavaCommand.selectsCollector(jvm)) {
                jvm.add("-XX:+UseParallelGC");
            }
            command = JavaCommand.of(classpath, "1g", jvm, Launch.class.getName(), args);
        } else {
            command = JavaCommand.of(classpath, "1g", List.of(),
                    "org.apache.kafka.connect.cli.ConnectDistributed", List.of(config.toString()));
        }
        process = ManagedProcess.start("connect", command, timeZone == null ? Map.of() : Map.of("TZ", timeZone),
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), lifetime);
        ManagedProcess p = process;
        ConnectRest rest = rest();
        Wait.until("Connect REST on " + restUrl(), Duration.ofSeconds(180), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Connect worker exited; log " + p.logFile() + ":\n" + p.logTail(40));
            }
            return rest.isReady();
        }, () -> "\n" + p.logTail(40));
        return this;
    }

    /** Worker settings; the ones that matter for a one-broker cluster and fast tests are explained. */
    public Map<String, String> workerConfig() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", "streaming-etl-connect");
        props.put("config.storage.topic", "connect-configs");
        props.put("offset.storage.topic", "connect-offsets");
        props.put("status.storage.topic", "connect-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("key.converter.schemas.enable", "true");
        props.put("value.converter.schemas.enable", "true");
        // A column's NULL stays NULL: by default JsonConverter writes and reads the column's DEFAULT
        // in its place (KAFKA-8713), so a nullable column with a default could never be NULL downstream.
        props.put("key.converter.replace.null.with.default", "false");
        props.put("value.converter.replace.null.with.default", "false");
        props.put("listeners", "http://127.0.0.1:" + restPort);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", String.valueOf(restPort));
        props.put("plugin.path", String.join(",", pluginPath.stream().map(Path::toString).toList()));
        // Plugins are found through their ServiceLoader manifests: no 5-7 s class-path scan.
        props.put("plugin.discovery", "service_load");
        props.put("offset.flush.interval.ms", "1000");
        // A leaving worker's tasks move at once instead of after 5 minutes.
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("connector.client.config.override.policy", "All");
        // Source records and their offsets commit in one Kafka transaction (KIP-618; Debezium's
        // binlog connectors support it): a killed worker's source resends nothing the sink then
        // reads twice (the sinks read read_committed).
        props.put("exactly.once.source.support", "enabled");
        // A sink subscribed with topics.regex finds topics created after it started (Debezium's)
        // at the next metadata refresh: every 5 s instead of the default 5 minutes.
        props.put("consumer.metadata.max.age.ms", "5000");
        // A sink task's consumer that did not leave its group (worker killed, or tasks abandoned
        // during a Kafka outage) holds its partitions until its session expires: 10 s, not 45.
        props.put("consumer.session.timeout.ms", "10000");
        props.putAll(overrides);
        return props;
    }

    private Path writeConfig() {
        Properties props = new Properties();
        props.putAll(workerConfig());
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("worker.properties");
            try (var writer = Files.newBufferedWriter(file)) {
                props.store(writer, "written by local-stack");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public ConnectRest rest() {
        return new ConnectRest(restUrl());
    }
}
