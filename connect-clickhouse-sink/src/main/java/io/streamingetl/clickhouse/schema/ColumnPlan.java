package io.streamingetl.clickhouse.schema;

import com.clickhouse.data.ClickHouseFormat;
import io.streamingetl.clickhouse.encode.ValueEncoder;
import io.streamingetl.clickhouse.route.TableId;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * How rows of one record schema (or of schemaless maps) are written into one table: the named
 * column list of the INSERT, the format, and one slot per column with its encoder, all built
 * once. RowBinaryWithDefaults is used only when some column may need its DEFAULT (schemaless
 * maps missing a key, nulls into non-Nullable columns); otherwise plain RowBinary.
 */
public final class ColumnPlan {
    /** One INSERT column: where its value comes from and how it is encoded. */
    public record Slot(String column, String columnType, Field field, String mapKey, Schema fieldSchema,
                       ColumnType type, ValueEncoder encoder, boolean nullable) {
    }

    private final TableId table;
    private final List<String> quotedColumns;
    private final Slot[] slots;
    private final boolean withDefaults;
    private final boolean cdc;
    private final boolean hasJson;

    public ColumnPlan(TableId table, List<String> quotedColumns, List<Slot> slots, boolean withDefaults, boolean cdc,
                      boolean hasJson) {
        this.table = table;
        this.quotedColumns = List.copyOf(quotedColumns);
        this.slots = slots.toArray(new Slot[0]);
        this.withDefaults = withDefaults;
        this.cdc = cdc;
        this.hasJson = hasJson;
    }

    public TableId table() {
        return table;
    }

    public List<String> quotedColumns() {
        return quotedColumns;
    }

    public ClickHouseFormat format() {
        return withDefaults ? ClickHouseFormat.RowBinaryWithDefaults : ClickHouseFormat.RowBinary;
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
