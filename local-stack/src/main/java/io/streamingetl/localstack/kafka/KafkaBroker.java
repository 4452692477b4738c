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
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A single-node Kafka in KRaft mode (broker and controller in one process), in its own JVM. */
public final class KafkaBroker extends ServerProcess {
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Lifetime lifetime;
    private final String classpath;

    public KafkaBroker(Path dataDir, int port, int controllerPort, Lifetime lifetime, String classpath) {
        super(Duration.ofSeconds(30));
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.lifetime = lifetime;
        this.classpath = classpath;
    }

    public static KafkaBroker forTests(Path dataDir) {
        return new KafkaBroker(dataDir, Ports.free(), Ports.free(), Lifetime.TIED, JavaCommand.currentClasspath());
    }

    public synchronized KafkaBroker start() {
        if (isRunning()) {
            return this;
        }
        Ports.requireFree(port, "Kafka");
        Ports.requireFree(controllerPort, "Kafka controller");
        Path config = writeConfig();
        List<String> args = new ArrayList<>(List.of("kafka", config.toString()));
        if (lifetime == Lifetime.TIED) {
            args.add("--exit-on-stdin-eof");
        }
        process = ManagedProcess.start("kafka",
                JavaCommand.of(classpath, "768m", List.of("-Dlog4j2.configurationFile=" + Log4j.config(dataDir)),
                        Launch.class.getName(), args),
                Map.of(), dataDir.resolveSibling(dataDir.getFileName() + ".log"), lifetime);
        ManagedProcess p = process;
        Wait.until("Kafka on " + bootstrapServers(), Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("Kafka exited; log " + p.logFile() + ":\n" + p.logTail(40));
            }
            return Ports.isListening(port) && KafkaAdmin.ready(bootstrapServers());
        }, () -> "\n" + p.logTail(40));
        return this;
    }

    private Path writeConfig() {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dataDir.resolve("logs").toString());
        props.setProperty("num.partitions", "1");
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        props.setProperty("auto.create.topics.enable", "true");
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("server.properties");
            try (var writer = Files.newBufferedWriter(file)) {
                props.store(writer, "written by local-stack");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }
}
