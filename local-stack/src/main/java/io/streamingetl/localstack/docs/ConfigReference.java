package io.streamingetl.localstack.docs;

import org.apache.kafka.common.config.ConfigDef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a plugin's {@link ConfigDef} as the Markdown reference in its README, between
 * {@code <!-- config-reference:begin -->} and {@code <!-- config-reference:end -->}, so the
 * documentation is the ConfigDef and cannot drift from it. A test per plugin compares the two
 * and, with {@code -Dreadme.write=true}, rewrites the README section.
 */
public final class ConfigReference {
    private static final GeneratedSection SECTION = new GeneratedSection(
            "<!-- config-reference:begin (generated from the ConfigDef; edit the code, then run the tests with -Dreadme.write=true) -->",
            "<!-- config-reference:end -->");

    private ConfigReference() {
    }

    public static String markdown(ConfigDef def) {
        Map<String, List<ConfigDef.ConfigKey>> byGroup = new LinkedHashMap<>();
        List<String> groups = def.groups();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        // As Kafka's own docs order them: by group as declared, then by order within the group.
        keys.sort(Comparator.comparingInt((ConfigDef.ConfigKey k) -> k.group == null ? Integer.MAX_VALUE
                : groups.indexOf(k.group)).thenComparingInt(k -> k.orderInGroup).thenComparing(k -> k.name));
        for (ConfigDef.ConfigKey key : keys) {
            byGroup.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>()).add(key);
        }
        StringBuilder md = new StringBuilder();
        byGroup.forEach((group, groupKeys) -> {
            md.append("\n### ").append(group).append("\n\n");
            md.append("| Option | Type | Default | Valid values | Importance | Description |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : groupKeys) {
                md.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(defaultText(key)).append(" | ")
                        .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(key.documentation)).append(" |\n");
            }
        });
        return md.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        // A Password's toString() is "[hidden]"; an empty default hides nothing and should read as empty.
        String value = key.defaultValue instanceof org.apache.kafka.common.config.types.Password p
                ? (p.value().isEmpty() ? "" : "[hidden]") : ConfigDef.convertToString(key.defaultValue, key.type);
        return value.isEmpty() ? "\"\"" : "`" + value + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    /** The README's current reference section, or null if it has no markers. */
    public static String section(Path readme) {
        return SECTION.read(readme);
    }

    /** Writes the rendered reference between the markers. */
    public static void write(Path readme, ConfigDef def) {
        SECTION.write(readme, markdown(def));
    }
}
