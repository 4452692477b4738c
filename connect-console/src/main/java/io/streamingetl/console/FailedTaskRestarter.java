package io.streamingetl.console;

import org.apache.kafka.connect.health.AbstractState;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Restarts the connectors and tasks that FAILED on this worker, with a growing pause between
 * restarts of the same one, as Strimzi's auto-restart does. Connect never restarts a failed task
 * by itself, and some failures pass: an exactly-once source task whose zombie-fencing request
 * reached a leader that had just died fails for good, as does a sink task whose retries ran out
 * during a long ClickHouse outage. Each worker restarts only what runs on it (its worker id is its
 * advertised {@code host:port}), so one failure gets one restart however many workers there are.
 *
 * <p>Worker configuration: {@value #ENABLED} ({@code true} by default).
 */
final class FailedTaskRestarter implements AutoCloseable {
    static final String ENABLED = "console.restart.failed.tasks";
    private static final Logger LOG = LoggerFactory.getLogger(FailedTaskRestarter.class);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);
    /** Pause before the n-th restart of one task in a row; the last repeats. */
    private static final List<Duration> BACKOFF = List.of(Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(10), Duration.ofMinutes(30));
    /** Running this long without failing counts as recovered: the next failure restarts at once. */
    private static final Duration RECOVERED_AFTER = Duration.ofMinutes(10);

    /** Restarts of one connector or task in a row, and when the next one may happen. */
    private record Attempts(int count, long nextAtMillis, long runningSinceMillis) {
    }

    private final ConnectClusterState cluster;
    private final String workerId;
    private final URI restBase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Attempts> attempts = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "failed-task-restarter");
        t.setDaemon(true);
        return t;
    });

    private FailedTaskRestarter(ConnectClusterState cluster, String workerId, URI restBase) {
        this.cluster = cluster;
        this.workerId = workerId;
        this.restBase = restBase;
    }

    /** Starts checking, or returns null when the worker turns it off or has no plain-HTTP listener. */
    static FailedTaskRestarter start(ConnectClusterState cluster, Map<String, ?> workerConfig) {
        if (!Boolean.parseBoolean(String.valueOf(workerConfigOr(workerConfig, ENABLED, "true")))) {
            return null;
        }
        WorkerAddress address = WorkerAddress.of(workerConfig);
        if (address == null) {
            LOG.warn("{}: no http:// listener to send restarts to; failed tasks are not restarted", ENABLED);
            return null;
        }
        FailedTaskRestarter restarter = new FailedTaskRestarter(cluster, address.workerId(), address.restBase());
        var unused = restarter.timer.scheduleWithFixedDelay(restarter::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Restarting connectors and tasks that fail on worker {} ({}=true)", address.workerId(), ENABLED);
        return restarter;
    }

    private void checkQuietly() {
        try {
            check(System.currentTimeMillis());
        } catch (RuntimeException e) {
            // The herder may be rebalancing or the connector just deleted: look again next time.
            LOG.debug("Could not check for failed tasks", e);
        }
    }

    private void check(long now) {
        for (String connector : cluster.connectors()) {
            ConnectorHealth health = cluster.connectorHealth(connector);
            String path = "/connectors/" + encode(connector);
            consider(connector, path + "/restart", health.connectorState(), now);
            health.tasksState().forEach((id, task) ->
                    consider(connector + "-" + id, path + "/tasks/" + id + "/restart", task, now));
        }
    }

    private void consider(String name, String restartPath, AbstractState state, long now) {
        if (!workerId.equals(state.workerId())) {
            return;
        }
        Attempts seen = attempts.get(name);
        if (!"FAILED".equals(state.state())) {
            if ("RUNNING".equals(state.state()) && seen != null) {
                if (seen.runningSinceMillis() == 0) {
                    attempts.put(name, new Attempts(seen.count(), seen.nextAtMillis(), now));
                } else if (now - seen.runningSinceMillis() >= RECOVERED_AFTER.toMillis()) {
                    attempts.remove(name);
                }
            }
            return;
        }
        int count = seen == null ? 0 : seen.count();
        long nextAt = seen == null ? now : seen.nextAtMillis();
        if (now < nextAt) {
            return;
        }
        String cause = rootCause(state.traceMessage());
        LOG.warn("Restarting {} (restart {} in a row), which failed on this worker: {}", name, count + 1, cause);
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(restBase.resolve(restartPath))
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() / 100 != 2) {
                LOG.warn("Restart of {} answered {}: {}", name, reply.statusCode(), reply.body());
                return; // not counted: try again next check
            }
        } catch (java.io.IOException e) {
            LOG.warn("Restart of {} could not reach {}: {}", name, restBase, e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Duration pause = BACKOFF.get(Math.min(count + 1, BACKOFF.size() - 1));
        attempts.put(name, new Attempts(count + 1, now + pause.toMillis(), 0));
    }

    /** The root cause of a stack trace (its last "Caused by:"), else its first line. */
    static String rootCause(String trace) {
        if (trace == null || trace.isBlank()) {
            return "(no trace)";
        }
        String cause = trace.lines().findFirst().orElse("");
        for (String line : (Iterable<String>) trace.lines()::iterator) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Object workerConfigOr(Map<String, ?> config, String key, String fallback) {
        Object value = config.get(key);
        return value == null ? fallback : value;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * Where this worker's REST API listens (for the restart requests) and the id Connect gives it
     * in task states: the advertised host and port, which default to the first listener's.
     */
    record WorkerAddress(String workerId, URI restBase) {
        static WorkerAddress of(Map<String, ?> config) {
            String listeners = String.valueOf(workerConfigOr(config, "listeners", "http://:8083"));
            URI http = null;
            URI first = null;
            for (String listener : listeners.split(",")) {
                URI uri = URI.create(listener.trim());
                first = first == null ? uri : first;
                if (http == null && "http".equalsIgnoreCase(uri.getScheme())) {
                    http = uri;
                }
            }
            if (http == null) {
                return null;
            }
            String listenHost = host(http);
            boolean wildcard = listenHost == null || listenHost.equals("0.0.0.0") || listenHost.equals("[::]");
            URI restBase = URI.create("http://" + (wildcard ? "localhost" : listenHost) + ":" + port(http));
            Object advertisedHost = config.get("rest.advertised.host.name");
            Object advertisedPort = config.get("rest.advertised.port");
            String host = advertisedHost != null ? advertisedHost.toString() : host(first);
            if (host == null) {
                try {
                    host = java.net.InetAddress.getLocalHost().getCanonicalHostName();
                } catch (java.net.UnknownHostException e) {
                    host = "localhost";
                }
            }
            int port = advertisedPort != null ? Integer.parseInt(advertisedPort.toString()) : port(first);
            return new WorkerAddress(host + ":" + port, restBase);
        }

        /** The port of {@code http://host:port} and {@code http://:port} (which URI does not parse as a server). */
        private static int port(URI listener) {
            String authority = listener.getAuthority();
            return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        }

        /** The host of {@code http://host:port}, or null for {@code http://:port}. */
        private static String host(URI listener) {
            String authority = listener.getAuthority();
            String host = authority == null ? null : authority.substring(0, authority.lastIndexOf(':'));
            return host == null || host.isEmpty() ? null : host;
        }
    }
}
