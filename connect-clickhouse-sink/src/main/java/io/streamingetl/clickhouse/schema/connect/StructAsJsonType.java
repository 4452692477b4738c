package io.streamingetl.clickhouse.schema.connect;

import io.streamingetl.common.JsonText;
import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/**
 * Nested STRUCT -> String holding its JSON text (or JSON when table.json.type=JSON). The enrich SMT
 * flattens rows, so structs here are rare leftovers such as Debezium's Geometry.
 */
public final class StructAsJsonType implements ColumnType {
    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return ctx.jsonAsJsonType() ? "JSON" : "String";
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        return JsonText.render(value);
    }
}
