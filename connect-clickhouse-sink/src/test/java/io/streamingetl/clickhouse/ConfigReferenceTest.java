package io.streamingetl.clickhouse;

import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.docs.ConfigReference;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The README's option reference is the ConfigDef (Debezium UI and validate show the same text). */
class ConfigReferenceTest {
    @Test
    void readmeReferenceIsGeneratedFromTheConfigDef() {
        Path readme = StackLayout.repoRoot().resolve("connect-clickhouse-sink/README.md");
        if (Boolean.getBoolean("readme.write")) {
            ConfigReference.write(readme, ClickHouseSinkConfig.CONFIG_DEF);
        }
        String section = ConfigReference.section(readme);
        assertNotNull(section, readme + " lacks the config-reference markers");
        assertEquals(ConfigReference.markdown(ClickHouseSinkConfig.CONFIG_DEF).strip(), section.strip(),
                "README config reference is stale: run the tests with -Dreadme.write=true");
    }
}
