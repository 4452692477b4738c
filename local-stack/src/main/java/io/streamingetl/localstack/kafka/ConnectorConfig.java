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
    /** The Debezium source connector, capturing the pipeline's database. */
    public static final String SOURCE = "source/mariadb-source.json";
    /** The CDC sink: the source's change topics into ClickHouse. */
    public static final String SINK = "sink/clickhouse-sink.json";
    /** The sink of the enrichment's join and aggregate topics. */
    public static final String ENRICHED_SINK = "sink/clickhouse-sink-enriched.json";

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

    /**
     * This source connector capturing {@code database} instead of the pipeline's: the include list,
     * and the schema history topic and signal table named after the database as the shipped file
     * names them. For the shipped database it is the shipped configuration.
     */
    public ConnectorConfig capturing(String database) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("database.include.list", database);
        options.put("schema.history.internal.kafka.topic", "schema-changes." + database);
        options.put("signal.data.collection", database + ".dbz_signal");
        return with(options);
    }

    /**
     * This sink writing the change topics of {@code database} under {@code topicPrefix} (every
     * table but the signal table, as the shipped file) into the ClickHouse database of the same
     * name. For the shipped prefix and database it is the shipped configuration.
     */
    public ConnectorConfig sinking(String topicPrefix, String database) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("topics.regex", literal(topicPrefix) + "\\." + literal(database) + "\\.(?!dbz_signal$)[^.]+");
        options.put("clickhouse.database", database);
        return with(options);
    }

    /** {@code name} as a regular expression that matches just it. */
    private static String literal(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "\\\\$0");
    }

    public ConnectorConfig named(String newName) {
        return new ConnectorConfig(newName, config);
    }
}
