package io.streamingetl.localstack.registry;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real schema registry: Apicurio Registry 3.x as its own JVM (Java 21+), storage in an H2
 * file under its data directory, HTTP on 127.0.0.1. Its Confluent-compatible API is
 * {@link #ccompatUrl()}; Apicurio's Connect converter talks to {@link #apiV2Url()}. Ready when
 * {@code /health/ready} on the management port answers 200. Schemas survive a restart.
 */
public final class RegistryServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * A Java child cannot watch its stdin for our exit (only our own Launch class does that), so a
     * tied registry runs under this shell: it holds our pipe on fd 3 and kills the JVM when the pipe
     * closes (the test JVM is gone, even after kill -9), and passes SIGTERM on for a clean stop.
     */
    private static final String TIE_TO_PARENT = "exec 3<&0\n"
            + "\"$@\" </dev/null &\n"
            + "pid=$!\n"
            + "trap 'kill $pid 2>/dev/null' TERM INT HUP\n"
            + "(cat <&3 >/dev/null; kill $pid 2>/dev/null) </dev/null &\n"
            + "exec 3<&-\n"
            + "wait $pid; wait $pid\n";

    private final Path dataDir;
    private final int httpPort;
    private final int managementPort;
    private final Lifetime lifetime;
    private ManagedProcess process;

    public RegistryServer(Path dataDir, int httpPort, int managementPort, Lifetime lifetime) {
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.lifetime = lifetime;
    }

    /** On free ports, tied to this JVM: for tests. */
    public static RegistryServer forTests(Path dataDir) {
        return new RegistryServer(dataDir, Ports.free(), Ports.free(), Lifetime.TIED);
    }

    public synchronized RegistryServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        Ports.requireFree(httpPort, "Schema registry HTTP");
        Ports.requireFree(managementPort, "Schema registry management");
        Path java = Java21.executable();
        ApicurioDistribution dist = ApicurioDistribution.ensure();
        io.streamingetl.localstack.StackHome.createDirectories(dataDir);
        List<String> jvm = new ArrayList<>(List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + dataDir,
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                // H2 in a file, not in memory: schema ids that records on the topics refer to must
                // survive a registry restart (kill -9 then deploy.sh), or those records cannot be read.
                "-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("registry-db").toAbsolutePath(),
                "-jar", dist.runJar().toString()));
        List<String> command = new ArrayList<>();
        if (lifetime == Lifetime.TIED) {
            command.addAll(List.of("sh", "-c", TIE_TO_PARENT, "registry"));
        }
        command.addAll(jvm);
        process = ManagedProcess.start("registry", command, Map.of(),
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), lifetime);
        ManagedProcess p = process;
        Wait.until("schema registry on " + managementUrl() + "/health/ready", Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("schema registry exited with " + p.exitCode().orElse(-1) + "; log "
                        + p.logFile() + ":\n" + p.logTail(30));
            }
            return isReady();
        }, () -> "\n" + p.logTail(30));
        return this;
    }

    public boolean isReady() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** GET on the registry's HTTP port, e.g. {@code /apis/ccompat/v7/schemas/ids/1}. */
    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("schema registry unreachable at " + url() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connector-level settings that make a connector read and write Avro in Confluent's wire
     * format (magic byte 0, 4-byte schema id, Avro binary) through this registry, with Apicurio's
     * converter from the worker's plugin.path. Keys and values alike.
     */
    public Map<String, String> avroConverterConfig() {
        return avroConverterConfig(apiV2Url());
    }

    public static Map<String, String> avroConverterConfig(String apiV2Url) {
        Map<String, String> config = new LinkedHashMap<>();
        for (String side : List.of("key.converter", "value.converter")) {
            config.put(side, AVRO_CONVERTER);
            config.put(side + ".apicurio.registry.url", apiV2Url);
            config.put(side + ".apicurio.registry.auto-register", "true");
            // Confluent's framing: 4-byte ids (contentId is what /apis/ccompat/v7/schemas/ids/{id}
            // resolves), in the payload rather than in Kafka headers.
            config.put(side + ".apicurio.registry.as-confluent", "true");
            config.put(side + ".apicurio.registry.use-id", "contentId");
            config.put(side + ".apicurio.registry.headers.enabled", "false");
        }
        return config;
    }

    public static final String AVRO_CONVERTER = "io.apicurio.registry.utils.converter.AvroConverter";

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public ManagedProcess process() {
        return process;
    }

    /** Base URL of the HTTP port. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Apicurio's v2 API: what Apicurio's converter is configured with. */
    public String apiV2Url() {
        return url() + "/apis/registry/v2";
    }

    /** The Confluent-compatible API (schemas by id, subjects, versions). */
    public String ccompatUrl() {
        return url() + "/apis/ccompat/v7";
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public int managementPort() {
        return managementPort;
    }

    @Override
    public void close() {
        stop();
    }
}
