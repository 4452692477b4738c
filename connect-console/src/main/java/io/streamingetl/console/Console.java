package io.streamingetl.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.common.PluginVersion;
import org.apache.kafka.connect.health.ConnectClusterState;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What {@code /console} answers, without a web framework: the page, its files and read-only JSON.
 * Two thin JAX-RS adapters serve it, one per REST flavour of Connect (Jakarta from 4.0, javax
 * before), so the same console runs in both. Everything that changes the pipeline (restart,
 * validate, create, update) goes from the page to the worker's own REST API.
 */
public final class Console implements AutoCloseable {
    /** An HTTP answer: status, content type, body and extra headers. */
    public record Reply(int status, String type, byte[] body, Map<String, String> headers) {
    }

    public static final String VERSION = PluginVersion.of(Console.class, "console-version.properties");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final Map<String, String> FILES = Map.of("console.js", "application/javascript",
            "console.css", "text/css");
    /** The page loads nothing from elsewhere and runs no inline script. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " frame-ancestors 'none'";

    private final ConnectClusterState cluster;
    private final KafkaReads kafka;
    private final ConfigReferences references;

    private Console(ConnectClusterState cluster, KafkaReads kafka, ConfigReferences references) {
        this.cluster = cluster;
        this.kafka = kafka;
        this.references = references;
    }

    /** @param workerConfig the worker's configuration, as a REST extension's configure() receives it */
    public static Console create(ConnectClusterState cluster, Map<String, ?> workerConfig) {
        return new Console(cluster, KafkaReads.fromWorkerConfig(workerConfig), ConfigReferences.fromWorkerConfig(workerConfig));
    }

    public Reply page() {
        return file("index.html", "text/html");
    }

    public Reply asset(String file) {
        return FILES.containsKey(file) ? file(file, FILES.get(file)) : status(404, "no file " + file);
    }

    public Reply sinkMetrics() {
        return json(SinkMetricsReads::read);
    }

    public Reply lag(String connector) {
        if (connector == null || !cluster.connectors().contains(connector)) {
            return status(404, "no connector " + connector);
        }
        return json(() -> kafka.lag(connector));
    }

    public Reply events(String topic, Integer n) {
        if (topic == null || !usedByAConnector(topic)) {
            return status(403, "the console shows only topics that a connector reads or writes");
        }
        int count = n == null ? 20 : Math.max(1, Math.min(200, n));
        return json(() -> kafka.lastRecords(topic, count));
    }

    /** The enrich SMT's newest changes of {@code topic} in this worker, before and after it. */
    public Reply changes(String topic, Integer n) {
        if (topic == null || !usedByAConnector(topic)) {
            return status(403, "the console shows only topics that a connector reads or writes");
        }
        int count = n == null ? 20 : Math.max(1, Math.min(200, n));
        return json(() -> RecentChangesReads.read(topic, count));
    }

    public Reply clickHouse(String connector) {
        if (connector == null || !cluster.connectors().contains(connector)) {
            return status(404, "no connector " + connector);
        }
        Map<String, String> config = cluster.connectorConfig(connector);
        if (!ClickHouseReads.SINK_CLASS.equals(config.get("connector.class"))) {
            return status(400, connector + " is not a ClickHouse sink");
        }
        return json(() -> ClickHouseReads.counts(references.resolve(config)));
    }

    /**
     * A sink's topics / topics.regex, a source's topic.prefix, or a dead letter queue: the console
     * reads no topic outside the pipeline.
     */
    private boolean usedByAConnector(String topic) {
        for (String name : cluster.connectors()) {
            Map<String, String> c = cluster.connectorConfig(name);
            for (String t : c.getOrDefault("topics", "").split(",")) {
                if (t.trim().equals(topic)) {
                    return true;
                }
            }
            String regex = c.getOrDefault("topics.regex", "");
            String prefix = c.getOrDefault("topic.prefix", "");
            try {
                if (!regex.isBlank() && Pattern.matches(regex, topic)) {
                    return true;
                }
            } catch (PatternSyntaxException ignored) {
                // the connector itself reports a bad regex
            }
            if ((!prefix.isBlank() && topic.startsWith(prefix + "."))
                    || topic.equals(c.get("errors.deadletterqueue.topic.name"))) {
                return true;
            }
        }
        return false;
    }

    private interface Read {
        Object get() throws Exception;
    }

    private static Reply json(Read read) {
        try {
            return new Reply(200, JSON_TYPE, JSON.writeValueAsBytes(read.get()), Map.of("Cache-Control", "no-store"));
        } catch (Exception e) {
            return status(502, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Reply status(int status, String message) {
        try {
            return new Reply(status, JSON_TYPE, JSON.writeValueAsBytes(Map.of("error", String.valueOf(message))), Map.of());
        } catch (IOException e) {
            return new Reply(status, "text/plain", String.valueOf(message).getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    private static Reply file(String name, String type) {
        try (InputStream in = Console.class.getResourceAsStream(name)) {
            if (in == null) {
                return status(404, "no file " + name);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Security-Policy", CSP);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Cache-Control", "no-cache");
            return new Reply(200, type + "; charset=utf-8", in.readAllBytes(), headers);
        } catch (IOException e) {
            return status(500, "cannot read " + name);
        }
    }


    @Override
    public void close() {
        kafka.close();
    }
}
