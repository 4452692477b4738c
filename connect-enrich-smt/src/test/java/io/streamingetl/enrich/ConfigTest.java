package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "delete.mode|hard",
            "tombstones|maybe",
            "truncate.mode|delete",
            "flatten.collections|xml",
            "flatten.delimiter|''",
            "flatten.delimiter|' '",
            "key.flatten|perhaps",
            "schema.cache.size|3",
            "schema.cache.size|lots",
            "metadata.fields|op,lsn",
            "metadata.fields|op,op",
            "metadata.version.name|''",
    })
    void badValueIsAnErrorNamingTheOption(String option, String value) {
        CdcEnrich.Value<SourceRecord> t = new CdcEnrich.Value<>();
        ConfigException e = assertThrows(ConfigException.class, () -> t.configure(Map.of(option, value)));
        assertTrue(e.getMessage().contains(option), e.getMessage());

        // The worker's validate endpoint goes through ConfigDef.validate: the error sits on the option.
        ConfigValue cv = CdcEnrichConfig.CONFIG_DEF.validate(Map.of(option, value)).stream()
                .filter(v -> v.name().equals(option)).findFirst().orElseThrow();
        assertFalse(cv.errorMessages().isEmpty(), option + "=" + value + " passed validation");
    }

    @Test
    void twoMetadataFieldsWithOneNameAreAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> new CdcEnrichConfig(
                Map.of("metadata.op.name", "_x", "metadata.db.name", "_x")));
        assertTrue(e.getMessage().contains("metadata.db.name"), e.getMessage());
        // switched off, the same name is no conflict
        CdcEnrichConfig ok = new CdcEnrichConfig(Map.of("metadata.op.name", "_x", "metadata.db.name", "_x",
                "metadata.fields", "op,version"));
        assertEquals("_x", ok.metaName(CdcEnrichConfig.Meta.OP));
        assertNull(ok.metaName(CdcEnrichConfig.Meta.DB));
    }

    @Test
    void defaults() {
        CdcEnrichConfig c = new CdcEnrichConfig(Map.of());
        assertEquals(CdcEnrichConfig.DeleteMode.SOFT, c.deleteMode);
        assertEquals(CdcEnrichConfig.TombstoneMode.DROP, c.tombstones);
        assertEquals(CdcEnrichConfig.TruncateMode.DROP, c.truncateMode);
        assertEquals("_", c.delimiter);
        assertEquals(1024, c.schemaCacheSize);
        assertEquals(List.of("_op", "_ts_ms", "_db", "_table", "_deleted", "_version"),
                java.util.Arrays.stream(CdcEnrichConfig.Meta.values()).map(c::metaName).collect(Collectors.toList()));
    }

    @Test
    void everyOptionIsDocumentedWithGroupAndDisplayName() throws Exception {
        String readme;
        try (InputStream in = new java.io.FileInputStream("README.md")) {
            readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (ConfigDef.ConfigKey key : CdcEnrichConfig.CONFIG_DEF.configKeys().values()) {
            assertNotEquals(null, key.documentation, key.name);
            assertNotEquals(null, key.group, key.name);
            assertNotEquals(null, key.displayName, key.name);
            assertTrue(readme.contains("`" + key.name + "`"), "README does not document " + key.name);
        }
        Config all = new Config(CdcEnrichConfig.CONFIG_DEF.validate(new HashMap<>()).stream()
                .collect(Collectors.toList()));
        all.configValues().forEach(v -> assertTrue(v.errorMessages().isEmpty(), v.name() + ": " + v.errorMessages()));
    }

    @Test
    @SuppressWarnings("rawtypes")
    void serviceLoaderFindsBothVariantsAndVersionIsTheBuild() {
        List<String> found = ServiceLoader.load(Transformation.class).stream()
                .map(p -> p.type().getName()).filter(n -> n.startsWith("io.streamingetl.enrich"))
                .sorted().collect(Collectors.toList());
        assertEquals(List.of(CdcEnrich.Key.class.getName(), CdcEnrich.Value.class.getName()), found);
        String version = new CdcEnrich.Value<SourceRecord>().version();
        String build = System.getProperty("project.version");
        assertNotEquals(null, build, "surefire passes project.version");
        assertEquals(build, version);
    }
}
