package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * io.debezium.data.VariableScaleDecimal (STRUCT scale + unscaled bytes) -> String with the exact
 * decimal text: no fixed ClickHouse scale fits every row.
 */
public final class VariableScaleDecimalType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.VariableScaleDecimal"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "String";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (value instanceof Struct s) {
            Object raw = s.get("value");
            byte[] bytes = raw instanceof ByteBuffer bb ? toArray(bb) : (byte[]) raw;
            return new BigDecimal(new BigInteger(bytes), s.getInt32("scale")).toPlainString();
        }
        return value;
    }

    private static byte[] toArray(ByteBuffer bb) {
        byte[] b = new byte[bb.remaining()];
        bb.duplicate().get(b);
        return b;
    }
}
