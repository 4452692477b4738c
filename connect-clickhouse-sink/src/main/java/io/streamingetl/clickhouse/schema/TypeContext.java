package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.config.TableSettings.EnumMode;

import java.util.Set;

/**
 * What type mapping needs beyond the schema: settings, what the server supports (time64: the
 * Time64 type is enabled by default, as in 26.7 here; servers before 25.6 have no Time64), and the field being mapped.
 */
public record TypeContext(TypeRegistry registry, String timeZone, Set<String> lowCardinalityFields,
                          boolean jsonAsJsonType, EnumMode enumMode, boolean time64, String fieldName) {
    public TypeContext forField(String name) {
        return new TypeContext(registry, timeZone, lowCardinalityFields, jsonAsJsonType, enumMode, time64, name);
    }

    public String quotedZone() {
        return "'" + timeZone.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
