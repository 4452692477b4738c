package io.streamingetl.clickhouse.ddl;

import io.streamingetl.clickhouse.sql.TableId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The columns of an existing table, in table order. */
public final class TableDescription {
    private final TableId id;
    private final List<ColumnInfo> columns;
    private final Map<String, ColumnInfo> byName = new LinkedHashMap<>();

    public TableDescription(TableId id, List<ColumnInfo> columns) {
        this.id = id;
        this.columns = List.copyOf(columns);
        for (ColumnInfo c : columns) {
            byName.put(c.name(), c);
        }
    }

    public TableId id() {
        return id;
    }

    public List<ColumnInfo> columns() {
        return columns;
    }

    public ColumnInfo column(String name) {
        return byName.get(name);
    }
}
