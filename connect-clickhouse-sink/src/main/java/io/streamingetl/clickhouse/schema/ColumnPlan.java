package io.streamingetl.clickhouse.schema;

import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.data.format.BinaryStreamUtils;
import io.streamingetl.clickhouse.encode.ValueEncoder;
import io.streamingetl.clickhouse.route.CityHashKey;
import io.streamingetl.clickhouse.route.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How rows of one record schema (or of schemaless maps) are written into one table: the named
 * column list of the INSERT, the format, and one slot per column with its encoder, all built
 * once. RowBinary carries no types, so a column retyped under a cached plan to another type of the
 * same width (Int32 to UInt32) would be misread silently: inserts therefore use
 * RowBinaryWithNamesAndTypes, whose header names each column's planned type and which the server
 * refuses when the table differs (then the plan is rebuilt). RowBinaryWithDefaults, which has no
 * header, is used only when some column may need its DEFAULT (schemaless maps missing a key, nulls
 * into non-Nullable columns); such plans are checked against system.columns before each insert.
 */
public final class ColumnPlan {
    /** One INSERT column: where its value comes from and how it is encoded. */
    public record Slot(String column, String columnType, Field field, String mapKey, Schema fieldSchema,
                       ColumnType type, ValueEncoder encoder, boolean nullable, boolean sortKey) {
    }

    private final TableId table;
    private final List<String> quotedColumns;
    private final Slot[] slots;
    private final boolean withDefaults;
    private final boolean cdc;
    private final boolean hasJson;
    private final byte[] header;
    /** Indexes of the slots whose values pick the shard, in hashing order; empty without shards. */
    private final int[] shardKey;

    public ColumnPlan(TableId table, List<String> quotedColumns, List<Slot> slots, boolean withDefaults, boolean cdc,
                      boolean hasJson) {
        this(table, quotedColumns, slots, withDefaults, cdc, hasJson, new int[0]);
    }

    public ColumnPlan(TableId table, List<String> quotedColumns, List<Slot> slots, boolean withDefaults, boolean cdc,
                      boolean hasJson, int[] shardKey) {
        this.shardKey = shardKey.clone();
        this.table = table;
        this.quotedColumns = List.copyOf(quotedColumns);
        this.slots = slots.toArray(new Slot[0]);
        this.withDefaults = withDefaults;
        this.cdc = cdc;
        this.hasJson = hasJson;
        this.header = withDefaults ? null : header(this.slots);
    }

    /** RowBinaryWithNamesAndTypes' header: column count, names, then types, each a varint-prefixed string. */
    private static byte[] header(Slot[] slots) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryStreamUtils.writeVarInt(out, slots.length);
            for (Slot slot : slots) {
                BinaryStreamUtils.writeString(out, slot.column);
            }
            for (Slot slot : slots) {
                BinaryStreamUtils.writeString(out, slot.columnType);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** Writes what precedes the rows of one INSERT: the header, or nothing for RowBinaryWithDefaults. */
    public void writeHeader(OutputStream out) throws IOException {
        if (header != null) {
            out.write(header);
        }
    }

    /** False when the server does not check this plan's column types at insert (no header). */
    public boolean typesCheckedByServer() {
        return header != null;
    }

    /** Per column of the INSERT, the ClickHouse type the plan encodes for. */
    public Map<String, String> columnTypes() {
        Map<String, String> types = new LinkedHashMap<>();
        for (Slot slot : slots) {
            types.put(slot.column, slot.columnType);
        }
        return types;
    }

    public TableId table() {
        return table;
    }

    public List<String> quotedColumns() {
        return quotedColumns;
    }

    public ClickHouseFormat format() {
        return withDefaults ? ClickHouseFormat.RowBinaryWithDefaults : ClickHouseFormat.RowBinaryWithNamesAndTypes;
    }

    public boolean cdc() {
        return cdc;
    }

    public boolean hasJson() {
        return hasJson;
    }

    public int columnCount() {
        return slots.length;
    }

    /**
     * The shard of a row among {@code shards}: cityHash64 of its sharding-key values modulo the shard
     * count, as the Distributed table computes it, so every version of a key goes to one shard.
     */
    public int shardOf(Object value, int shards) {
        if (shards == 1 || shardKey.length == 0) {
            return 0;
        }
        long h = 0;
        for (int k = 0; k < shardKey.length; k++) {
            Slot slot = slots[shardKey[k]];
            Object v = valueOf(slot, value);
            try {
                if (v != null && slot.type != null) {
                    v = slot.type.toCanonical(v, slot.fieldSchema);
                }
                if (v == null) {
                    throw new DataException("null in sharding-key column " + table + "." + slot.column
                            + ": the row's shard is unknown");
                }
                long next = CityHashKey.hash(slot.columnType, v);
                h = k == 0 ? next : CityHashKey.combine(h, next);
            } catch (DataException | ClassCastException | ArithmeticException | IllegalArgumentException e) {
                throw new FieldException(slot.column, slot.columnType, v, e);
            }
        }
        return (int) Long.remainderUnsigned(h, shards);
    }

    private static Object valueOf(Slot slot, Object value) {
        return value instanceof Struct s ? s.get(slot.field) : ((Map<?, ?>) value).get(slot.mapKey);
    }

    /** Encodes one row. A bad value throws DataException naming the field; the caller undoes the partial row. */
    public void encode(Object value, OutputStream out) throws IOException {
        Struct struct = value instanceof Struct s ? s : null;
        Map<?, ?> map = struct == null ? (Map<?, ?>) value : null;
        for (Slot slot : slots) {
            Object v = struct != null ? struct.get(slot.field) : map.get(slot.mapKey);
            try {
                if (v != null && slot.type != null) {
                    v = slot.type.toCanonical(v, slot.fieldSchema);
                }
                if (v == null && slot.sortKey) {
                    // Its DEFAULT would give every such row one key: ReplacingMergeTree keeps one of them.
                    throw new DataException("null in sorting-key column " + table + "." + slot.column
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

        FieldException(String field, String columnType, Object value, Exception cause) {
            super("field '" + field + "' (column type " + columnType + ", value type "
                    + (value == null ? "null" : value.getClass().getSimpleName()) + "): " + cause.getMessage(), cause);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
