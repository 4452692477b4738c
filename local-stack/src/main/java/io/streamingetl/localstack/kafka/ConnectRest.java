package io.streamingetl.localstack.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.localstack.Wait;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small client of the Connect worker's REST API, as a user drives it with curl. */
public final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String baseUrl;

    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The answer of one call: status code and parsed body. */
    public record Response(int status, JsonNode body) {
        public Response requireSuccess(String what) {
            if (status / 100 != 2) {
                throw new IllegalStateException(what + " failed with HTTP " + status + ": " + body);
            }
            return this;
        }
    }

    public boolean isReady() {
        try {
            return call("GET", "/connectors", null).status() == 200;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public Response get(String path) {
        return call("GET", path, null);
    }

    public Response put(String path, Object body) {
        return call("PUT", path, body);
    }

    public Response post(String path, Object body) {
        return call("POST", path, body);
    }

    public Response delete(String path) {
        return call("DELETE", path, null);
    }

    /**
     * PUT /connectors/{name}/config: creates or updates, as deploy scripts do. Answers Connect
     * itself calls retriable (409 during a rebalance; 500 "Failed to write to config topic ... can
     * be safely retried" while the group's leader or the config topic moves) are retried for a minute.
     */
    public Response putConnector(String name, Map<String, String> config) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            Response r = put("/connectors/" + encode(name) + "/config", config);
            if (!retriable(r) || System.nanoTime() > deadline) {
                return r.requireSuccess("create connector " + name);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r.requireSuccess("create connector " + name);
            }
        }
    }

    private static boolean retriable(Response r) {
        return r.status() == 409 || (r.status() == 500 && r.body() != null
                && r.body().path("message").asText("").contains("can be safely retried"));
    }

    public Response validate(String connectorClass, Map<String, String> config) {
        return put("/connector-plugins/" + encode(connectorClass) + "/config/validate", config);
    }

    public Response status(String name) {
        return get("/connectors/" + encode(name) + "/status");
    }

    /** Waits until the connector and {@code tasks} tasks report RUNNING; fails fast on FAILED. */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        awaitRunning(name, tasks, timeout, 0);
    }

    /**
     * As {@link #awaitRunning(String, int, Duration)}, but restarts failed tasks up to
     * {@code restarts} times first: after a worker restart, a task may start from the stored
     * config and fail (e.g. an old port) before the config just PUT replaces it.
     */
    public void awaitRunning(String name, int tasks, Duration timeout, int restarts) {
        for (int attempt = 0; ; attempt++) {
            try {
                awaitRunningOnce(name, tasks, timeout);
                return;
            } catch (IllegalStateException e) {
                if (attempt >= restarts || !e.getMessage().contains("FAILED")) {
                    throw e;
                }
                post("/connectors/" + encode(name) + "/restart?includeTasks=true&onlyFailed=true", null);
            }
        }
    }

    /**
     * As {@link #awaitRunning(String, int, Duration, int)} for every task the connector made,
     * however many its {@code tasks.max} and its input allow (read from {@code /tasks} each poll).
     */
    public void awaitAllTasksRunning(String name, Duration timeout, int restarts) {
        awaitRunning(name, ALL_TASKS, timeout, restarts);
    }

    private static final int ALL_TASKS = -1;

    private void awaitRunningOnce(String name, int expectedTasks, Duration timeout) {
        String what = expectedTasks == ALL_TASKS ? "all its tasks" : expectedTasks + " task(s)";
        Wait.until("connector " + name + " RUNNING with " + what, timeout, () -> {
            int tasks = expectedTasks;
            if (tasks == ALL_TASKS) {
                Response made = get("/connectors/" + encode(name) + "/tasks");
                if (made.status() != 200 || made.body().size() == 0) {
                    return false;
                }
                tasks = made.body().size();
            }
            Response r = status(name);
            if (r.status() != 200) {
                return false;
            }
            JsonNode body = r.body();
            for (JsonNode task : body.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new IllegalStateException("task of " + name + " FAILED: " + task.path("trace").asText());
                }
            }
            if ("FAILED".equals(body.path("connector").path("state").asText())) {
                throw new IllegalStateException("connector " + name + " FAILED: "
                        + body.path("connector").path("trace").asText());
            }
            long running = 0;
            for (JsonNode task : body.path("tasks")) {
                if ("RUNNING".equals(task.path("state").asText())) {
                    running++;
                }
            }
            return "RUNNING".equals(body.path("connector").path("state").asText()) && running == tasks;
        }, () -> "; last status: " + status(name).body());
    }

    private Response call(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = HTTP.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String text = response.body();
            JsonNode parsed = text == null || text.isBlank() ? JSON.nullNode() : parseOrText(text);
            return new Response(response.statusCode(), parsed);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + baseUrl + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parseOrText(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
