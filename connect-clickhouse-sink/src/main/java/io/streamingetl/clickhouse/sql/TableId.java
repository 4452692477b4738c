package io.streamingetl.clickhouse.sql;

import io.streamingetl.clickhouse.sql.Sql;

/** A ClickHouse table: database and name, unquoted. */
public record TableId(String database, String table) {
    public String quoted() {
        return Sql.quote(database) + "." + Sql.quote(table);
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
