package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

import java.util.UUID;

/** io.debezium.data.Uuid (STRING) -> UUID. */
public final class UuidType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.Uuid"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return "UUID";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (value instanceof String s) {
            try {
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                throw new DataException("not a UUID: '" + s + "'");
            }
        }
        return value;
    }
}
