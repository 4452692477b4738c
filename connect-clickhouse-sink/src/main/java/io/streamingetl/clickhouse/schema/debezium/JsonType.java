package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;

/** io.debezium.data.Json (STRING) -> String, or JSON when table.json.type=JSON. */
public final class JsonType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.Json"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return ctx.jsonAsJsonType() ? "JSON" : "String";
    }
}
