package io.streamingetl.clickhouse.ddl;

/**
 * One column of an existing table, from system.columns. defaultKind: '', DEFAULT, MATERIALIZED,
 * ALIAS, EPHEMERAL; sortKey: part of the sorting key (cannot become Nullable).
 */
public record ColumnInfo(String name, String type, String defaultKind, boolean sortKey) {
    /** Columns an INSERT can name. */
    public boolean insertable() {
        return defaultKind.isEmpty() || defaultKind.equals("DEFAULT");
    }
}
