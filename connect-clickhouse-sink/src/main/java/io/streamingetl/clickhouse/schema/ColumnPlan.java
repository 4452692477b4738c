package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.encode.RowFormat;
import io.streamingetl.clickhouse.encode.ValueEncoder;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How rows of one record schema (or of schemaless maps) are written into one table: the INSERT's
 * {@link RowFormat} and one slot per column with its encoder, all built once.
 */
public final class ColumnPlan {
    /** One INSERT column: where its value comes from and how it is encoded. */
    public record Slot(String column, String columnType, Field field, String mapKey, Schema fieldSchema,
                       ColumnType type, ValueEncoder encoder, boolean nullable, boolean sortKey) {
    }

    private final RowFormat format;
    private final Slot[] slots;
    private final boolean withDefaults;
    private final boolean cdc;
    /** Indexes of the slots whose values pick the shard, in hashing order; empty without shards. */
    private final int[] shardKey;

    public ColumnPlan(TableId table, List<Slot> slots, boolean withDefaults, boolean cdc, boolean hasJson) {
        this(table, slots, withDefaults, cdc, hasJson, new int[0]);
    }

    public ColumnPlan(TableId table, List<Slot> slots, boolean withDefaults, boolean cdc, boolean hasJson,
                      int[] shardKey) {
        this.shardKey = shardKey.clone();
        this.slots = slots.toArray(new Slot[0]);
        this.withDefaults = withDefaults;
        this.cdc = cdc;
        Map<String, String> types = new LinkedHashMap<>();
        for (Slot slot : this.slots) {
            types.put(slot.column, slot.columnType);
        }
        this.format = new RowFormat(table, types, withDefaults, hasJson);
    }

    /** The INSERT's columns and format, one instance for this plan. */
    public RowFormat format() {
        return format;
    }

    public TableId table() {
        return format.table();
    }

    public boolean cdc() {
        return cdc;
    }

    public int columnCount() {
        return slots.length;
    }

    /** How many columns pick a row's shard (0 without shards). */
    public int shardKeyCount() {
        return shardKey.length;
    }

    /** The name of the {@code k}-th sharding-key column. */
    public String shardKeyColumn(int k) {
        return slots[shardKey[k]].column;
    }

    /** The ClickHouse type of the {@code k}-th sharding-key column. */
    public String shardKeyType(int k) {
        return slots[shardKey[k]].columnType;
    }

    /**
     * The {@code k}-th sharding-key value of a row, as it will be encoded (never null: a row without
     * it has no shard). A bad value throws a DataException naming the field.
     */
    public Object shardKeyValue(int k, Object value) {
        Slot slot = slots[shardKey[k]];
        Object v = value instanceof Struct s ? s.getWithoutDefault(slot.field.name()) : ((Map<?, ?>) value).get(slot.mapKey);
        try {
            if (v != null && slot.type != null) {
                v = slot.type.toCanonical(v, slot.fieldSchema);
            }
            if (v == null) {
                throw new DataException("null in sharding-key column " + table() + "." + slot.column
                        + ": the row's shard is unknown");
            }
            return v;
        } catch (DataException | ClassCastException | ArithmeticException | IllegalArgumentException e) {
            throw new FieldException(slot.column, slot.columnType, v, e);
        }
    }

    /** Encodes one row. A bad value throws DataException naming the field; the caller undoes the partial row. */
    public void encode(Object value, OutputStream out) throws IOException {
        Struct struct = value instanceof Struct s ? s : null;
        Map<?, ?> map = struct == null ? (Map<?, ?>) value : null;
        for (Slot slot : slots) {
            // Not get(): it returns the schema default for a NULL, and the source said NULL.
            Object v = struct != null ? struct.getWithoutDefault(slot.field.name()) : map.get(slot.mapKey);
            try {
                if (v != null && slot.type != null) {
                    v = slot.type.toCanonical(v, slot.fieldSchema);
                }
                if (v == null && slot.sortKey) {
                    // Its DEFAULT would give every such row one key: ReplacingMergeTree keeps one of them.
                    throw new DataException("null in sorting-key column " + table() + "." + slot.column
                            + "; rows would share the column's default as their key and replace each other."
                            + " Give the field a value, or sort the table by other columns");
                }
                if (withDefaults) {
                    if (v == null && !slot.nullable) {
                        out.write(1); // use the column's DEFAULT
                        continue;
                    }
                    out.write(0);
                } else if (v == null && !slot.nullable) {
                    throw new DataException("null for non-Nullable column");
                }
                slot.encoder.encode(out, v);
            } catch (DataException | ClassCastException | ArithmeticException | IllegalArgumentException e) {
                throw new FieldException(slot.column, slot.columnType, v, e);
            }
        }
    }

    /** A value that cannot be written, with the field (column) that holds it. */
    public static final class FieldException extends DataException {
        private final String field;

        public FieldException(String field, String columnType, Object value, Exception cause) {
            super("field '" + field + "' (column type " + columnType + ", value type "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + "): " + cause.getMessage(), cause);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
