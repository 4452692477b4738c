package io.streamingetl.clickhouse.schema;

import java.util.Set;

/** What type mapping needs beyond the schema: settings and the field being mapped. */
public record TypeContext(TypeRegistry registry, String timeZone, Set<String> lowCardinalityFields,
                          boolean jsonAsJsonType, String fieldName) {
    public TypeContext forField(String name) {
        return new TypeContext(registry, timeZone, lowCardinalityFields, jsonAsJsonType, name);
    }

    public String quotedZone() {
        return "'" + timeZone.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
