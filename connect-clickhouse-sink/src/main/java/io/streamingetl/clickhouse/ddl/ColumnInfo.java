package io.streamingetl.clickhouse.ddl;

/** One column of an existing table, from system.columns. defaultKind: '', DEFAULT, MATERIALIZED, ALIAS, EPHEMERAL. */
public record ColumnInfo(String name, String type, String defaultKind) {
    /** Columns an INSERT can name. */
    public boolean insertable() {
        return defaultKind.isEmpty() || defaultKind.equals("DEFAULT");
    }
}
