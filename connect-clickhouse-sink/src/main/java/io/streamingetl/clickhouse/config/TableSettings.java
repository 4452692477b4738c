package io.streamingetl.clickhouse.config;

import java.util.List;
import java.util.Set;

/**
 * How tables are created and evolved, and which fields carry the CDC version and delete flag.
 *
 * @param orderBy         ORDER BY of created tables; empty: the record key's fields
 * @param partitionBy     PARTITION BY expression of created tables; empty: none
 * @param dedupWindow     non_replicated_deduplication_window of created tables
 * @param versionField    empty: no CDC version column
 * @param deletedField    empty: no delete flag
 * @param keylessChangeLog a CDC table without a key becomes an append-only change log (else: an error)
 * @param dropColumns     a column the source dropped is dropped in ClickHouse too (else kept)
 * @param dropTables      a table the source dropped is dropped in ClickHouse too (else renamed aside)
 */
public record TableSettings(boolean autoCreate, List<String> orderBy, String partitionBy, int dedupWindow,
                            int cleanupAfterSeconds, Set<String> lowCardinalityFields, Evolution evolution,
                            String dateTimeZone, boolean jsonAsJsonType, EnumMode enumMode, String versionField,
                            String deletedField, boolean keylessChangeLog, boolean dropColumns, boolean dropTables) {
    /** What a record field without a column, or with a wider type than its column, does: schema.evolution. */
    public enum Evolution { NONE, ADD_COLUMNS, WIDEN_COLUMNS }

    /** How a source ENUM column (io.debezium.data.Enum) is created: table.enum.type. */
    public enum EnumMode { STRING, LOW_CARDINALITY, ENUM }

    public TableSettings {
        orderBy = List.copyOf(orderBy);
        lowCardinalityFields = Set.copyOf(lowCardinalityFields);
    }

    /** Whether {@code field} is the version or the delete flag, whose column types the sink fixes. */
    public boolean isCdcField(String field) {
        return field.equals(versionField) || field.equals(deletedField);
    }
}
