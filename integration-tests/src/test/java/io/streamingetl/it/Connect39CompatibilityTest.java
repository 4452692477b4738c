package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.kafka.ConnectRest;
import io.streamingetl.localstack.kafka.ConnectWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Docker stack runs Confluent Platform 7.9, i.e. a Kafka Connect 3.9 worker: our archives
 * must load there too, and the transform must validate a config through that worker's REST API.
 */
class Connect39CompatibilityTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.KAFKA);

    @Test
    void archivesLoadInAConnect39Worker() throws Exception {
        Path lib = StackLayout.repoRoot().resolve("compat-connect-3.9/target/lib");
        assertTrue(Files.isDirectory(lib), lib + " is built by the compat-connect-3.9 module");
        assertTrue(Files.exists(lib.resolve("connect-runtime-3.9.1.jar")), "Kafka 3.9.1's worker");
        try (ConnectWorker worker = ConnectWorker.otherVersionForTests(stack.baseDir().resolve("connect-3.9"),
                stack.kafka().bootstrapServers(), List.of(StackLayout.pluginPath()),
                // The console's javax flavour: what the Docker stack's Connect 3.9 worker enables.
                Map.of("rest.extension.classes", "io.streamingetl.console.javax.ConsoleRestExtension"), lib + "/*")) {
            worker.start();
            JsonNode plugins = worker.rest().get("/connector-plugins?connectorsOnly=false")
                    .requireSuccess("list plugins").body();
            Set<String> classes = new HashSet<>();
            for (JsonNode p : plugins) {
                classes.add(p.path("class").asText());
            }
            assertTrue(classes.contains(PluginClasses.SINK), classes.toString());
            assertTrue(classes.contains(PluginClasses.SMT_VALUE), classes.toString());
            assertTrue(classes.contains(PluginClasses.SMT_KEY), classes.toString());

            JsonNode info = worker.rest().get("/").requireSuccess("worker info").body();
            assertTrue(info.path("version").asText().startsWith("3.9"), info.toString());

            // The sink's ConfigDef and validate() run in the 3.9 worker: a bad buffer size is a field error.
            JsonNode result = worker.rest().validate(PluginClasses.SINK, Map.of(
                    "connector.class", PluginClasses.SINK, "name", "compat", "topics", "t",
                    "clickhouse.url", "http://127.0.0.1:1", "buffer.max.rows", "0"))
                    .requireSuccess("validate").body();
            assertTrue(result.path("error_count").asInt() > 0, result.toString());
            boolean bufferError = false;
            for (JsonNode config : result.path("configs")) {
                if ("buffer.max.rows".equals(config.path("value").path("name").asText())) {
                    bufferError = config.path("value").path("errors").size() > 0;
                }
            }
            assertEquals(true, bufferError, "buffer.max.rows=0 is reported on its field: " + result);

            ConnectRest.Response page = worker.rest().get("/console");
            assertEquals(200, page.status(), "the console in a 3.9 worker");
            assertTrue(page.body().asText().contains("<title>Pipeline console</title>"), page.body().asText());
            assertEquals(200, worker.rest().get("/console/console.js").status());
            assertTrue(worker.rest().get("/console/api/sink-metrics").requireSuccess("console metrics").body()
                    .has("tables"));
            assertEquals(403, worker.rest().get("/console/api/events?topic=__consumer_offsets").status(),
                    "a topic no connector uses is not shown");
        }
    }
}
