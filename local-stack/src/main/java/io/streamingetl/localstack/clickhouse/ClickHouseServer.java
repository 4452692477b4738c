package io.streamingetl.localstack.clickhouse;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ServerProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real ClickHouse server (26.x) as its own OS process, serving HTTP and native TCP on
 * 127.0.0.1. Data lives in {@code dataDir} and survives {@link #kill()} and {@link #restart()}.
 */
public final class ClickHouseServer extends ServerProcess implements ClickHouseQueries {
    /** Keeps clickhouse-local's process alive, idle, while the listeners serve clients. */
    private static final String SERVE_FOREVER = "SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; "
            + "SELECT sleepEachRow(1) FROM system.numbers SETTINGS max_block_size = 1 FORMAT Null";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final int httpPort;
    private final int tcpPort;
    private final Lifetime lifetime;
    private final Path configFile;
    private Map<String, String> environment = Map.of();

    public ClickHouseServer(Path dataDir, int httpPort, int tcpPort, Lifetime lifetime, Path configFile) {
        super(Duration.ofSeconds(10));
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
        this.lifetime = lifetime;
        this.configFile = configFile;
    }

    /** On free ports, tied to this JVM: for tests. */
    public static ClickHouseServer forTests(Path dataDir) {
        return new ClickHouseServer(dataDir, Ports.free(), Ports.free(), Lifetime.TIED, null);
    }

    /** The server's own time zone (TZ), e.g. to prove that columns with an explicit zone ignore it. */
    public ClickHouseServer timeZone(String zone) {
        this.environment = Map.of("TZ", zone);
        return this;
    }

    public synchronized ClickHouseServer start() {
        if (isRunning()) {
            return this;
        }
        Ports.requireFree(httpPort, "ClickHouse HTTP");
        Ports.requireFree(tcpPort, "ClickHouse native TCP");
        ChdbDistribution dist = ChdbDistribution.ensure();
        List<String> cmd = new ArrayList<>(List.of(dist.host().toString(), dist.library().toString()));
        if (lifetime == Lifetime.TIED) {
            cmd.add("--exit-on-stdin-eof");
        }
        if (configFile != null) {
            cmd.add("--config-file=" + configFile);
        }
        cmd.addAll(List.of("--path=" + dataDir, "--listen_host=127.0.0.1",
                "--http_port=" + httpPort, "--tcp_port=" + tcpPort, "--query", SERVE_FOREVER));
        process = ManagedProcess.start("clickhouse", cmd, environment, dataDir.resolveSibling(
                dataDir.getFileName() + ".log"), lifetime);
        awaitReady();
        return this;
    }

    private void awaitReady() {
        ManagedProcess p = process;
        Wait.until("ClickHouse on " + httpUrl() + "/ping", Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("ClickHouse exited with " + p.exitCode().orElse(-1)
                        + "; log " + p.logFile() + ":\n" + p.logTail(30));
            }
            return ping();
        }, () -> "\n" + p.logTail(30));
    }

    public boolean ping() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/ping"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().startsWith("Ok");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs a statement over HTTP as user {@code default} and returns the body (TabSeparated).
     * For setup and assertions; the product itself talks through the official client.
     */
    @Override
    public String query(String sql) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl() + "/"))
                            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                            .timeout(Duration.ofMinutes(5)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse answered " + r.statusCode() + " to [" + sql + "]: "
                        + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("ClickHouse unreachable at " + httpUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public Path dataDir() {
        return dataDir;
    }
}
