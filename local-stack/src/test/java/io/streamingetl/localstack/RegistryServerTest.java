package io.streamingetl.localstack;

import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import io.streamingetl.localstack.registry.RegistryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real Apicurio Registry: its Confluent-compatible API, and a stop that leaves no process behind. */
class RegistryServerTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.REGISTRY);

    private static final String V1 = "{\"type\":\"record\",\"name\":\"Person\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}";
    /** Backward compatible: the new field has a default. */
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Person\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"
            + "{\"name\":\"nickname\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

    @Test
    void servesSchemasByIdAndVersionThroughTheConfluentApi() throws Exception {
        RegistryServer registry = stack.registry();
        int id1 = register(registry, "person-value", V1);
        int id2 = register(registry, "person-value", V2);
        assertTrue(id2 != id1, "a changed schema gets a new id");
        assertEquals(id1, register(registry, "person-value", V1), "registering the same schema again returns its id");

        // Once seen: a read right after the registering POST answered 404 (read-after-write lag of
        // the registry's storage), so the first lookup may wait a little; a wrong id never resolves.
        Wait.until("schema id " + id2 + " resolvable", Duration.ofSeconds(10),
                () -> registry.get("/apis/ccompat/v7/schemas/ids/" + id2).statusCode() == 200,
                () -> ": " + registry.get("/apis/ccompat/v7/schemas/ids/" + id2).body());
        HttpResponse<String> byId = registry.get("/apis/ccompat/v7/schemas/ids/" + id2);
        assertEquals(200, byId.statusCode(), "schema id " + id2 + " (v1 " + id1 + "): " + byId.body());
        assertTrue(byId.body().contains("nickname"), byId.body());
        HttpResponse<String> versions = registry.get("/apis/ccompat/v7/subjects/person-value/versions");
        assertEquals("[1,2]", versions.body().replace(" ", ""));
        assertEquals(404, registry.get("/apis/ccompat/v7/schemas/ids/999999").statusCode());
    }

    @Test
    void stopEndsTheJvmAndTheShellThatTiesItToUs() {
        RegistryServer registry = RegistryServer.forTests(stack.baseDir().resolve("second"));
        registry.start();
        ProcessHandle shell = ProcessHandle.of(registry.process().pid()).orElseThrow();
        List<ProcessHandle> children = shell.descendants().toList();
        assertTrue(children.stream().anyMatch(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")),
                "the registry JVM runs under the tie-to-parent shell");
        registry.stop();
        assertFalse(registry.isRunning());
        Wait.until("every process of the stopped registry to end", Duration.ofSeconds(10),
                () -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertFalse(registry.isReady());
    }

    private static int register(RegistryServer registry, String subject, String avroSchema) throws Exception {
        String body = "{\"schema\":" + quote(avroSchema) + "}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.ccompatUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Integer.parseInt(r.body().replaceAll("[^0-9]", ""));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
