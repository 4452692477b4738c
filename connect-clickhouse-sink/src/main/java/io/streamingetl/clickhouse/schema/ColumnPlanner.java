package io.streamingetl.clickhouse.schema;

import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseDataType;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.config.TableSettings;
import io.streamingetl.clickhouse.config.TableSettings.Evolution;
import io.streamingetl.clickhouse.ddl.ColumnInfo;
import io.streamingetl.clickhouse.ddl.DdlBuilder.ColumnDef;
import io.streamingetl.clickhouse.ddl.DdlBuilder.TableSpec;
import io.streamingetl.clickhouse.ddl.ServerFeatures;
import io.streamingetl.clickhouse.ddl.TableDescription;
import io.streamingetl.clickhouse.ddl.TableManager;
import io.streamingetl.clickhouse.encode.DateRange;
import io.streamingetl.clickhouse.encode.Encoders;
import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.common.SchemaCache;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Column plans per (table, record schema), cached. Building a plan may create the table or add
 * columns (through {@link TableManager}, before any row that needs them is buffered). Each table
 * keeps an LRU of its plans with an identity front ({@link SchemaCache}: converters reuse schema
 * instances), so a task with many tables does not thrash and a hit costs no deep schema hashing.
 */
public final class ColumnPlanner {
    private static final int PLANS_PER_TABLE = 32;

    private final TableManager tables;
    private final TypeRegistry registry;
    private final TableSettings settings;
    private TypeContext typeContext;
    private ServerFeatures server;
    private final Set<String> createdDatabases = new HashSet<>();

    private final Map<TableId, TableDescription> descriptions = new HashMap<>();
    /** Per table, its plans by record schema (a table sees a few schemas: one per source ALTER). */
    private final Map<TableId, SchemaCache<ColumnPlan>> plans = new HashMap<>();

    public ColumnPlanner(TableManager tables, TypeRegistry registry, TableSettings settings) {
        this.tables = tables;
        this.registry = registry;
        this.settings = settings;
    }

    /** The server's features, read once, when the first table is planned. */
    private ServerFeatures server() {
        if (server == null) {
            server = tables.serverFeatures();
        }
        return server;
    }

    /** Type mapping settings, with what the server supports. */
    private TypeContext context() {
        if (typeContext == null) {
            typeContext = new TypeContext(registry, settings.dateTimeZone(), settings.lowCardinalityFields(),
                    settings.jsonAsJsonType(), settings.enumMode(), server().time64(), null);
        }
        return typeContext;
    }

    /** The days this server's Date32 and DateTime64 hold. */
    private DateRange dates() {
        return server().dates();
    }

    /**
     * The ClickHouse type of a source column described by a schema-change marker: the type a record
     * of it will map to (see {@link SourceColumns}), or null when it does not map to one column.
     */
    public String columnType(SchemaChange.SourceColumn column, boolean sortKey) {
        Schema s = SourceColumns.connectSchema(column);
        return s == null ? null : registry.columnType(s, context().forField(column.name()), sortKey);
    }

    /** The columns of {@code table} as ClickHouse has them now (read afresh), or null when it does not exist. */
    public TableDescription describeNow(TableId table) {
        descriptions.remove(table);
        return description(table);
    }

    /** Drops what is known about a table: the next record re-reads system.columns. */
    public void invalidate(TableId table) {
        descriptions.remove(table);
        plans.remove(table);
    }

    /**
     * For rows whose format carries no types (RowBinaryWithDefaults): true when every column they
     * write still has the type they were encoded for on {@code shard}. Reads system.columns afresh.
     */
    public boolean stillMatches(RowFormat format, int shard) {
        TableDescription now = tables.describeOn(shard, format.table());
        if (now == null) {
            return false;
        }
        for (Map.Entry<String, String> c : format.columnTypes().entrySet()) {
            ColumnInfo info = now.column(c.getKey());
            if (info == null || !info.type().equals(c.getValue())) {
                return false;
            }
        }
        return true;
    }

    public ColumnPlan plan(TableId table, SinkRecord record) {
        Schema schema = record.valueSchema();
        SchemaCache<ColumnPlan> cache = plans.get(table);
        if (cache == null) {
            cache = new SchemaCache<>(PLANS_PER_TABLE);
            plans.put(table, cache);
        }
        ColumnPlan p = cache.get(schema);
        if (p == null) {
            p = schema == null ? planSchemaless(table) : planStruct(table, record);
            cache.put(schema, p);
        }
        return p;
    }

    private TableDescription description(TableId table) {
        TableDescription d = descriptions.get(table);
        if (d == null) {
            d = tables.describe(table);
            if (d != null) {
                descriptions.put(table, d);
            }
        }
        return d;
    }

    private ColumnPlan planSchemaless(TableId table) {
        TableDescription d = description(table);
        if (d == null) {
            throw new DataException("table " + table + " does not exist and records without a schema cannot "
                    + "create it; create the table or use a converter with schemas");
        }
        List<ColumnPlan.Slot> slots = new ArrayList<>();
        boolean json = false;
        for (ColumnInfo c : d.columns()) {
            if (!c.insertable()) {
                continue;
            }
            ClickHouseColumn col = ClickHouseColumn.of(c.name(), c.type());
            json |= col.getDataType() == ClickHouseDataType.JSON;
            slots.add(new ColumnPlan.Slot(c.name(), c.type(), null, c.name(), null, null,
                    Encoders.nullableAware(col, dates()), col.isNullable(), c.sortKey()));
        }
        return new ColumnPlan(table, slots, true, false, json, shardKey(d, slots));
    }

    private ColumnPlan planStruct(TableId table, SinkRecord record) {
        Schema schema = record.valueSchema();
        if (schema.type() != Schema.Type.STRUCT) {
            throw new DataException("record value must be a Struct (or a schemaless Map), got " + schema.type());
        }
        boolean cdc = isCdc(schema);
        TableDescription d = description(table);
        if (d == null) {
            if (!settings.autoCreate()) {
                throw new ConnectException("table " + table + " does not exist and " + ClickHouseSinkConfig.AUTO_CREATE
                        + "=false");
            }
            create(table, record, cdc);
            d = description(table);
            if (d == null) {
                throw new ConnectException("table " + table + " was created but system.columns does not show it");
            }
        }
        d = evolve(table, record, d);

        List<ColumnPlan.Slot> slots = new ArrayList<>();
        boolean defaults = false;
        boolean json = false;
        for (Field field : schema.fields()) {
            ColumnInfo c = d.column(field.name());
            if (c == null || !c.insertable()) {
                continue; // evolution=none with an unmapped field was rejected in evolve()
            }
            ColumnType type = registry.lookup(field.schema()).forColumn(c.type());
            TypeContext ctx = context().forField(field.name());
            if (!TypeFamilies.writable(type.clickHouseType(field.schema(), ctx), c.type()) && !isCdcField(field.name())) {
                throw new DataException("field '" + field.name() + "' of topic " + record.topic() + " has type "
                        + registry.columnType(field.schema(), ctx, false) + " but column " + table + "." + c.name() + " is " + c.type()
                        + "; this change is not compatible, migrate the column or route to a new table");
            }
            ClickHouseColumn col = ClickHouseColumn.of(c.name(), c.type());
            json |= col.getDataType() == ClickHouseDataType.JSON;
            boolean nullable = col.isNullable();
            defaults |= field.schema().isOptional() && !nullable && !c.sortKey();
            slots.add(new ColumnPlan.Slot(c.name(), c.type(), field, null, field.schema(), type,
                    Encoders.nullableAware(col, dates()), nullable, c.sortKey()));
        }
        if (slots.isEmpty()) {
            throw new DataException("no field of topic " + record.topic() + " matches a column of " + table);
        }
        return new ColumnPlan(table, slots, defaults, cdc, json, shardKey(d, slots));
    }

    /** Sharded: the slots whose values pick a row's shard, in the order the sharding expression hashes them. */
    private int[] shardKey(TableDescription d, List<ColumnPlan.Slot> slots) {
        if (!tables.sharded()) {
            return new int[0];
        }
        List<String> key = tables.shardingKey(d);
        int[] out = new int[key.size()];
        for (int k = 0; k < key.size(); k++) {
            out[k] = -1;
            for (int i = 0; i < slots.size(); i++) {
                if (slots.get(i).column().equals(key.get(k))) {
                    out[k] = i;
                }
            }
            if (out[k] < 0) {
                throw new DataException("sharding key column " + key.get(k) + " of " + d.id()
                        + " has no value in the record, so its shard is unknown");
            }
        }
        return out;
    }

    private boolean isCdc(Schema schema) {
        return !settings.versionField().isEmpty() && schema.field(settings.versionField()) != null
                && !settings.deletedField().isEmpty() && schema.field(settings.deletedField()) != null;
    }

    private boolean isCdcField(String name) {
        return settings.isCdcField(name);
    }

    private void create(TableId table, SinkRecord record, boolean cdc) {
        Schema schema = record.valueSchema();
        List<String> orderBy = orderBy(record);
        boolean changeLog = false;
        if (cdc && orderBy.isEmpty()) {
            if (!settings.keylessChangeLog()) {
                // ReplacingMergeTree with ORDER BY tuple() would merge the whole table into one row.
                throw new DataException("CDC table " + table + " would have no sorting key: the record has no key "
                        + "fields and " + ClickHouseSinkConfig.ORDER_BY + " is empty. Give the topic a key (a primary "
                        + "key in the source table, or Debezium's message.key.columns), set "
                        + ClickHouseSinkConfig.ORDER_BY + " or " + ClickHouseSinkConfig.KEYLESS + "=log, or create "
                        + "the table yourself");
            }
            // No key: nothing tells two rows apart, so no version can replace another. Every change
            // is kept once, in binlog order: an append-only change log.
            orderBy = List.of(settings.versionField());
            changeLog = true;
        }
        List<ColumnDef> cols = new ArrayList<>();
        for (Field f : schema.fields()) {
            String type;
            if (cdc && f.name().equals(settings.versionField())) {
                type = "UInt64";
            } else if (cdc && f.name().equals(settings.deletedField())) {
                type = "UInt8";
            } else {
                // Sort-key columns cannot be Nullable (allow_nullable_key is off by default).
                type = registry.columnType(f.schema(), context().forField(f.name()), orderBy.contains(f.name()));
            }
            cols.add(new ColumnDef(f.name(), type));
        }
        if (!createdDatabases.contains(table.database())) {
            tables.createDatabase(table.database());
            createdDatabases.add(table.database());
        }
        boolean replacing = cdc && !changeLog;
        TableSpec spec = new TableSpec(cols, orderBy, settings.partitionBy(),
                replacing ? settings.versionField() : null, replacing ? settings.deletedField() : null,
                settings.dedupWindow(), replacing ? settings.cleanupAfterSeconds() : 0);
        tables.createTable(table, spec);
        descriptions.remove(table);
    }

    private List<String> orderBy(SinkRecord record) {
        Schema value = record.valueSchema();
        List<String> out = new ArrayList<>();
        List<String> configured = settings.orderBy();
        if (!configured.isEmpty()) {
            for (String c : configured) {
                if (value.field(c.trim()) == null) {
                    throw new ConnectException(ClickHouseSinkConfig.ORDER_BY + " names '" + c + "' but topic "
                            + record.topic() + " has no such field");
                }
                out.add(c.trim());
            }
            return out;
        }
        Schema key = record.keySchema();
        if (key != null && key.type() == Schema.Type.STRUCT) {
            for (Field f : key.fields()) {
                if (value.field(f.name()) != null) {
                    out.add(f.name());
                }
            }
        }
        return out;
    }

    /**
     * Adds columns for new fields (schema.evolution=add_columns) and widens columns whose field
     * became wider (widen_columns), before any row needs them.
     */
    private TableDescription evolve(TableId table, SinkRecord record, TableDescription d) {
        List<Field> missing = new ArrayList<>();
        Map<String, String> widen = new LinkedHashMap<>();
        for (Field f : record.valueSchema().fields()) {
            ColumnInfo c = d.column(f.name());
            if (c == null) {
                missing.add(f);
            } else if (settings.evolution() == Evolution.WIDEN_COLUMNS && c.insertable() && !isCdcField(f.name())) {
                String wider = ColumnWidening.widened(c.type(),
                        registry.columnType(f.schema(), context().forField(f.name()), false), c.sortKey());
                if (wider != null) {
                    widen.put(c.name(), wider);
                }
            }
        }
        if (!missing.isEmpty() && settings.evolution() == Evolution.NONE) {
            throw new DataException("field '" + missing.get(0).name() + "' of topic " + record.topic()
                    + " has no column in " + table + " and " + ClickHouseSinkConfig.EVOLUTION + "=none");
        }
        if (missing.isEmpty() && widen.isEmpty()) {
            return d;
        }
        for (Map.Entry<String, String> w : widen.entrySet()) {
            try {
                tables.modifyColumn(table, w.getKey(), w.getValue());
            } catch (RetriableException e) {
                throw e;
            } catch (ConnectException e) {
                throw new DataException("field '" + w.getKey() + "' of topic " + record.topic() + " needs column "
                        + table + "." + w.getKey() + " widened to " + w.getValue() + ", which ClickHouse refused: "
                        + e.getMessage() + "; alter the column yourself (the record can then be replayed from the DLQ)", e);
            }
        }
        for (Field f : missing) {
            String type = registry.columnType(f.schema(), context().forField(f.name()), false);
            // The source's default, so rows that existed before read it (ClickHouse computes it for older parts).
            tables.addColumn(table, f.name(), type, ColumnDefaults.fromConnect(f.schema(), type));
        }
        descriptions.remove(table);
        TableDescription fresh = description(table);
        return fresh == null ? d : fresh;
    }
}
