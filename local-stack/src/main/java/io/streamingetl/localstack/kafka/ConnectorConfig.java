package io.streamingetl.localstack.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingetl.localstack.StackLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connector JSON from connector-configs/ (the files users POST), so the tests run the
 * configuration that ships, overriding only hosts and ports.
 */
public record ConnectorConfig(String name, Map<String, String> config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ConnectorConfig load(String relativePath) {
        return load(StackLayout.repoRoot(), relativePath);
    }

    public static ConnectorConfig load(Path repoRoot, String relativePath) {
        Path file = repoRoot.resolve("connector-configs").resolve(relativePath);
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Map<String, String> config = JSON.convertValue(root.get("config"), new TypeReference<LinkedHashMap<String, String>>() { });
            return new ConnectorConfig(root.get("name").asText(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public ConnectorConfig with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value);
        return new ConnectorConfig(name, copy);
    }

    public ConnectorConfig with(Map<String, String> options) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.putAll(options);
        return new ConnectorConfig(name, copy);
    }

    /** Without every key that starts with {@code prefix}, e.g. "transforms" for raw Debezium events. */
    public ConnectorConfig without(String prefix) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.keySet().removeIf(k -> k.startsWith(prefix));
        return new ConnectorConfig(name, copy);
    }

    public ConnectorConfig named(String newName) {
        return new ConnectorConfig(newName, config);
    }
}
