package io.streamingetl.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The archives in plugin.path are what the worker offers users. */
class PluginDiscoveryTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CONNECT);

    @Test
    void workerListsOurSinkAndTransformsFromTheArchives() {
        JsonNode plugins = stack.connect().rest().get("/connector-plugins?connectorsOnly=false")
                .requireSuccess("list plugins").body();
        Map<String, String> typeByClass = new HashMap<>();
        Map<String, String> versionByClass = new HashMap<>();
        for (JsonNode p : plugins) {
            typeByClass.put(p.path("class").asText(), p.path("type").asText());
            versionByClass.put(p.path("class").asText(), p.path("version").asText());
        }
        assertEquals("sink", typeByClass.get(PluginClasses.SINK), typeByClass.keySet().toString());
        assertEquals("transformation", typeByClass.get(PluginClasses.SMT_VALUE), typeByClass.keySet().toString());
        assertEquals("transformation", typeByClass.get(PluginClasses.SMT_KEY), typeByClass.keySet().toString());
        assertEquals("source", typeByClass.get("io.debezium.connector.mariadb.MariaDbConnector"), typeByClass.keySet().toString());
        String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
        assertEquals(version, versionByClass.get(PluginClasses.SINK));
        assertEquals(version, versionByClass.get(PluginClasses.SMT_VALUE));
    }
}
