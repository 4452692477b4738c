package io.streamingetl.localstack.enrichment;

import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.JavaCommand;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The enrichment-streams application (the Kafka Streams twin of connector-configs/ksql) as its own
 * JVM. local-stack builds before that module, so it knows the app only by class name and the
 * class path the module's build leaves: {@code enrichment-streams/target/enrichment-streams.jar}
 * and {@code target/lib/*}.
 */
public final class EnrichmentProcess {
    public static final String MAIN_CLASS = "io.streamingetl.enrichment.EnrichmentApp";

    private final Path dataDir;
    private final String bootstrapServers;
    private final Lifetime lifetime;
    private ManagedProcess process;

    public EnrichmentProcess(Path dataDir, String bootstrapServers, Lifetime lifetime) {
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.lifetime = lifetime;
    }

    /** The app's class path from the module's build output; an error telling what to build if missing. */
    public static String classpath() {
        Path target = StackLayout.repoRoot().resolve("enrichment-streams/target");
        Path jar = target.resolve("enrichment-streams.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException(jar + " or its lib/ is missing: build it with "
                    + "mvn -B -pl enrichment-streams -am install -DskipTests");
        }
        return jar + File.pathSeparator + target.resolve("lib") + File.separator + "*";
    }

    /** Starts the app; it waits by itself for the input topics that Debezium creates. */
    public synchronized EnrichmentProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> cmd = JavaCommand.of(classpath(), "384m", List.of(), MAIN_CLASS,
                List.of("--bootstrap-servers", bootstrapServers, "--state-dir", dataDir.resolve("state").toString()));
        process = ManagedProcess.start("enrichment", cmd, Map.of(),
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), lifetime);
        ManagedProcess p = process;
        // "RUNNING" is logged by the app's state listener once its tasks are assigned.
        Wait.until("the enrichment app RUNNING (log " + p.logFile() + ")", Duration.ofSeconds(180), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("the enrichment app exited with " + p.exitCode().orElse(-1)
                        + "; log " + p.logFile() + ":\n" + p.logTail(40));
            }
            String log = p.logTail(400);
            String run = log.substring(Math.max(0, log.lastIndexOf("=== starting")));
            if (run.contains("-> ERROR")) {
                throw new IllegalStateException("the enrichment app failed; log " + p.logFile() + ":\n" + p.logTail(60));
            }
            return run.contains("-> RUNNING");
        }, () -> "\n" + p.logTail(40));
        return this;
    }

    public ManagedProcess process() {
        return process;
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(30));
        }
    }
}
