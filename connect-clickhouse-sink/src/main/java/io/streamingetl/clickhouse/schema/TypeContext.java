package io.streamingetl.clickhouse.schema;

import java.util.Set;

/** What type mapping needs beyond the schema: settings and the field being mapped. */
public record TypeContext(TypeRegistry registry, String timeZone, Set<String> lowCardinalityFields,
                          boolean jsonAsJsonType, EnumMode enumMode, String fieldName) {
    /** How a source ENUM column (io.debezium.data.Enum) is created: table.enum.type. */
    public enum EnumMode { STRING, LOW_CARDINALITY, ENUM }

    public TypeContext forField(String name) {
        return new TypeContext(registry, timeZone, lowCardinalityFields, jsonAsJsonType, enumMode, name);
    }

    public String quotedZone() {
        return "'" + timeZone.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
