package io.streamingetl.clickhouse.encode;

import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.data.format.BinaryStreamUtils;
import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.sql.TableId;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the rows of one INSERT are laid out: the table, the named columns with the ClickHouse types
 * they were encoded for, and the format. RowBinary carries no types, so a column retyped to another
 * type of the same width (Int32 to UInt32) would be misread silently: inserts therefore use
 * RowBinaryWithNamesAndTypes, whose header names each column's type and which the server refuses
 * when the table differs. RowBinaryWithDefaults, which has no header, is used only when some column
 * may need its DEFAULT; such rows are checked against system.columns before each insert.
 *
 * <p>One instance per column plan: buffers compare formats by identity to notice a new plan.
 */
public final class RowFormat {
    private final TableId table;
    private final Map<String, String> columnTypes;
    private final List<String> quotedColumns;
    private final byte[] header;
    private final boolean hasJson;

    /**
     * @param columnTypes  each INSERT column (in order) and the type its values are encoded for
     * @param withDefaults RowBinaryWithDefaults: a leading flag per value lets a column take its DEFAULT
     * @param hasJson      a JSON column is written as text (input_format_binary_read_json_as_string)
     */
    public RowFormat(TableId table, Map<String, String> columnTypes, boolean withDefaults, boolean hasJson) {
        this.table = table;
        this.columnTypes = Collections.unmodifiableMap(new LinkedHashMap<>(columnTypes));
        this.quotedColumns = columnTypes.keySet().stream().map(Sql::quote).toList();
        this.header = withDefaults ? null : header(this.columnTypes);
        this.hasJson = hasJson;
    }

    /** RowBinaryWithNamesAndTypes' header: column count, names, then types, each a varint-prefixed string. */
    private static byte[] header(Map<String, String> columnTypes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            BinaryStreamUtils.writeVarInt(out, columnTypes.size());
            for (String column : columnTypes.keySet()) {
                BinaryStreamUtils.writeString(out, column);
            }
            for (String type : columnTypes.values()) {
                BinaryStreamUtils.writeString(out, type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    public TableId table() {
        return table;
    }

    public List<String> quotedColumns() {
        return quotedColumns;
    }

    /** Per column of the INSERT, the ClickHouse type its values are encoded for. */
    public Map<String, String> columnTypes() {
        return columnTypes;
    }

    public ClickHouseFormat format() {
        return header == null ? ClickHouseFormat.RowBinaryWithDefaults : ClickHouseFormat.RowBinaryWithNamesAndTypes;
    }

    /** False when the server does not check the column types at insert (no header). */
    public boolean typesCheckedByServer() {
        return header != null;
    }

    public boolean hasJson() {
        return hasJson;
    }

    /** Writes what precedes the rows of one INSERT: the header, or nothing for RowBinaryWithDefaults. */
    public void writeHeader(OutputStream out) throws IOException {
        if (header != null) {
            out.write(header);
        }
    }
}
