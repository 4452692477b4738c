package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.schema.SchemaChange.SourceColumn;
import io.streamingetl.clickhouse.schema.debezium.UnsignedIntType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

import java.util.Locale;

/**
 * The Connect schema a source column's values will arrive with, from the column's description in a
 * schema-change marker: what Debezium's MySQL/MariaDB connector sends (default modes: adaptive time
 * precision, precise decimals, BIGINT UNSIGNED as long, unsigned types named through
 * datatype.propagate.source.type as the shipped source sets it) after the enrich SMT's
 * normalisation. The ClickHouse type then comes from the same {@link TypeRegistry} as for records,
 * so a column added at a marker has the type the next record would have given it
 * (SourceColumnsTest checks every column of the fixtures' table of every MySQL type against the
 * types a real run created). Null for what does not map to one column (GEOMETRY and POINT flatten
 * into several).
 */
public final class SourceColumns {
    private static final String BITS = UnsignedIntType.BITS;

    private SourceColumns() {
    }

    public static Schema connectSchema(SourceColumn c) {
        SchemaBuilder b = builder(c);
        if (b == null) {
            return null;
        }
        if (c.optional()) {
            b.optional();
        }
        return b.build();
    }

    private static SchemaBuilder builder(SourceColumn c) {
        String type = c.typeName().toUpperCase(Locale.ROOT).replace(" ZEROFILL", "").strip();
        boolean unsigned = type.endsWith(" UNSIGNED");
        String base = unsigned ? type.substring(0, type.length() - " UNSIGNED".length()).strip() : type;
        int length = c.length() == null ? -1 : c.length();
        switch (base) {
            case "BIT":
                return length <= 1 ? SchemaBuilder.bool() : SchemaBuilder.int64().parameter(BITS, String.valueOf(length));
            case "BOOL", "BOOLEAN", "TINYINT", "INT1":
                return unsigned(SchemaBuilder.int16(), unsigned, type);
            case "SMALLINT", "INT2":
                return unsigned(unsigned ? SchemaBuilder.int32() : SchemaBuilder.int16(), unsigned, type);
            case "MEDIUMINT", "INT3":
                return unsigned(SchemaBuilder.int32(), unsigned, type);
            case "INT", "INTEGER", "INT4":
                return unsigned(unsigned ? SchemaBuilder.int64() : SchemaBuilder.int32(), unsigned, type);
            case "BIGINT", "INT8":
                return unsigned(SchemaBuilder.int64(), unsigned, type);
            case "DECIMAL", "DEC", "NUMERIC", "FIXED":
                return Decimal.builder(c.scale() == null ? 0 : c.scale())
                        .parameter("connect.decimal.precision", String.valueOf(length < 0 ? 10 : length));
            case "FLOAT":
                return SchemaBuilder.float32();
            case "DOUBLE", "DOUBLE PRECISION", "REAL":
                return SchemaBuilder.float64();
            case "DATE":
                return Date.builder();
            case "DATETIME":
                return length > 3 ? SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp") : Timestamp.builder();
            case "TIMESTAMP":
                return SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp"); // the SMT's form of ZonedTimestamp
            case "TIME":
                return SchemaBuilder.int64().name("io.debezium.time.MicroTime");
            case "YEAR":
                return SchemaBuilder.int32().name("io.debezium.time.Year");
            case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "NCHAR", "NVARCHAR":
                return SchemaBuilder.string();
            case "JSON":
                return SchemaBuilder.string().name("io.debezium.data.Json");
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
                return SchemaBuilder.bytes();
            case "ENUM":
                return SchemaBuilder.string().name("io.debezium.data.Enum").parameter("allowed", allowed(c));
            case "SET":
                return SchemaBuilder.string().name("io.debezium.data.EnumSet").parameter("allowed", allowed(c));
            default:
                return null;
        }
    }

    private static SchemaBuilder unsigned(SchemaBuilder b, boolean unsigned, String sourceType) {
        return unsigned ? b.parameter(UnsignedIntType.SOURCE_TYPE, sourceType) : b;
    }

    /** Debezium names an ENUM's or SET's members comma-joined; the column description lists them quoted. */
    private static String allowed(SourceColumn c) {
        StringBuilder b = new StringBuilder();
        for (String v : c.enumValues()) {
            if (b.length() > 0) {
                b.append(',');
            }
            String s = v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v;
            b.append(s.replace("''", "'"));
        }
        return b.toString();
    }
}
