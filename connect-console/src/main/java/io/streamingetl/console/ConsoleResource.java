package io.streamingetl.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.connect.health.ConnectClusterState;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code /console}: the page and its read-only JSON. Everything that changes the pipeline
 * (restart, validate, create, update) goes from the page to the worker's own REST API.
 */
@Path("console")
public class ConsoleResource {
    static final String VERSION = version();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of("console.js", "application/javascript",
            "console.css", "text/css");
    /** Security headers: the page loads nothing from elsewhere and runs no inline script. */
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " frame-ancestors 'none'";

    private final ConnectClusterState cluster;
    private final KafkaReads kafka;

    ConsoleResource(ConnectClusterState cluster, KafkaReads kafka) {
        this.cluster = cluster;
        this.kafka = kafka;
    }

    @GET
    public Response page() {
        return file("index.html", MediaType.TEXT_HTML + "; charset=utf-8");
    }

    @GET
    @Path("{file: console\\.(js|css)}")
    public Response asset(@PathParam("file") String file) {
        return file(file, FILES.get(file) + "; charset=utf-8");
    }

    @GET
    @Path("api/sink-metrics")
    public Response sinkMetrics() {
        return json(SinkMetricsReads::read);
    }

    @GET
    @Path("api/lag")
    public Response lag(@QueryParam("connector") String connector) {
        if (connector == null || !cluster.connectors().contains(connector)) {
            return error(Response.Status.NOT_FOUND, "no connector " + connector);
        }
        return json(() -> kafka.lag(connector));
    }

    @GET
    @Path("api/events")
    public Response events(@QueryParam("topic") String topic, @QueryParam("n") Integer n) {
        if (topic == null || !usedByAConnector(topic)) {
            return error(Response.Status.FORBIDDEN, "the console shows only topics that a connector reads or writes");
        }
        int count = n == null ? 20 : Math.max(1, Math.min(200, n));
        return json(() -> kafka.lastRecords(topic, count));
    }

    @GET
    @Path("api/clickhouse")
    public Response clickHouse(@QueryParam("connector") String connector) {
        if (connector == null || !cluster.connectors().contains(connector)) {
            return error(Response.Status.NOT_FOUND, "no connector " + connector);
        }
        Map<String, String> config = cluster.connectorConfig(connector);
        if (!ClickHouseReads.SINK_CLASS.equals(config.get("connector.class"))) {
            return error(Response.Status.BAD_REQUEST, connector + " is not a ClickHouse sink");
        }
        return json(() -> ClickHouseReads.counts(config));
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
            if (!prefix.isBlank() && topic.startsWith(prefix + ".")
                    || topic.equals(c.get("errors.deadletterqueue.topic.name"))) {
                return true;
            }
        }
        return false;
    }

    private interface Read {
        Object get() throws Exception;
    }

    private static Response json(Read read) {
        try {
            return Response.ok(JSON.writeValueAsString(read.get()), MediaType.APPLICATION_JSON)
                    .header("Cache-Control", "no-store").build();
        } catch (Exception e) {
            return error(Response.Status.BAD_GATEWAY, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        try {
            return Response.status(status).entity(JSON.writeValueAsString(Map.of("error", String.valueOf(message))))
                    .type(MediaType.APPLICATION_JSON).build();
        } catch (IOException e) {
            return Response.status(status).build();
        }
    }

    private static Response file(String name, String type) {
        try (InputStream in = ConsoleResource.class.getResourceAsStream(name)) {
            if (in == null) {
                return Response.status(Response.Status.NOT_FOUND).build();
            }
            return Response.ok(in.readAllBytes(), type).header("Content-Security-Policy", CSP)
                    .header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return Response.serverError().build();
        }
    }

    private static String version() {
        Package p = ConsoleResource.class.getPackage();
        return p != null && p.getImplementationVersion() != null ? p.getImplementationVersion() : "0.1.0";
    }
}
