package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;

/**
 * Connect Decimal -> Decimal(P, S). P from {@code connect.decimal.precision} (Debezium sets it),
 * else 38; scales beyond 38 or precisions beyond 76 fall back to String.
 */
public final class ConnectDecimalType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{Decimal.LOGICAL_NAME};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        int scale = Integer.parseInt(param(schema, Decimal.SCALE_FIELD, "0"));
        int precision = Integer.parseInt(param(schema, "connect.decimal.precision", "38"));
        precision = Math.max(precision, Math.max(scale, 1));
        if (precision > 76 || scale > 76) {
            return "String";
        }
        return "Decimal(" + precision + ", " + scale + ")";
    }

    private static String param(Schema schema, String name, String dflt) {
        return schema.parameters() == null ? dflt : schema.parameters().getOrDefault(name, dflt);
    }
}
