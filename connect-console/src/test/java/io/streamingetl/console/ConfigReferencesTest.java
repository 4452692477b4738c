package io.streamingetl.console;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A sink's settings as the console reads ClickHouse with them: references resolved as the worker resolves them. */
class ConfigReferencesTest {
    @Test
    void aFileReferenceIsResolvedWithTheWorkersProvider(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "clickhouse.password=s3cret\n");
        Map<String, String> config = Map.of("clickhouse.user", "etl",
                "clickhouse.password", "${file:" + secrets + ":clickhouse.password}");
        Map<String, String> expected = Map.of("clickhouse.user", "etl", "clickhouse.password", "s3cret");
        String provider = "org.apache.kafka.common.config.provider.FileConfigProvider";
        assertEquals(expected, ConfigReferences.fromWorkerConfig(Map.of("config.providers", "file",
                "config.providers.file.class", provider)).resolve(config), "from the worker's properties");
        assertEquals(expected, ConfigReferences.fromWorkerConfig(Map.of(
                "config.providers.file.class", provider)).resolve(config), "as Connect hands them to an extension");
    }

    @Test
    void withoutProvidersOrWithOneThatCannotLoadTheConfigIsUsedAsWritten() {
        Map<String, String> raw = Map.of("clickhouse.password", "${file:/nowhere:clickhouse.password}");
        assertEquals(raw, ConfigReferences.fromWorkerConfig(Map.of()).resolve(raw));
        assertEquals(raw, ConfigReferences.fromWorkerConfig(Map.of("config.providers", "vault",
                "config.providers.vault.class", "com.example.NoSuchProvider")).resolve(raw));
    }
}
