package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import io.streamingetl.clickhouse.config.TableSettings.EnumMode;
import org.apache.kafka.connect.data.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * io.debezium.data.Enum (STRING, parameter {@code allowed}: the source's values, comma-joined) ->
 * LowCardinality(String) (applied by the registry, so NULL stays possible), String, or
 * Enum8/Enum16 numbered as MySQL numbers them (1, 2, ... in definition order, '' = 0 for the value
 * MySQL stores for an invalid one in non-strict mode).
 */
public final class EnumType implements ColumnType {
    @Override
    public String[] schemaNames() {
        return new String[]{"io.debezium.data.Enum"};
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        String allowed = allowed(schema);
        return ctx.enumMode() != EnumMode.ENUM || allowed == null ? "String" : enumOf(allowed);
    }

    static String allowed(Schema schema) {
        return schema.parameters() == null ? null : schema.parameters().get("allowed");
    }

    /** Enum8 or Enum16 of the source's comma-joined values, numbered as MySQL numbers them. */
    static String enumOf(String allowed) {
        String[] values = members(allowed);
        StringBuilder b = new StringBuilder(values.length < 127 ? "Enum8(" : "Enum16(").append("'' = 0");
        for (int i = 0; i < values.length; i++) {
            if (values[i].isEmpty()) {
                continue; // '' is already 0
            }
            b.append(", ").append(Sql.literal(values[i])).append(" = ").append(i + 1);
        }
        return b.append(')').toString();
    }

    /**
     * The members of Debezium's {@code allowed} list: comma-separated, a member's own ',' written
     * '\\,' and its '\\' as '\\\\' (each backslash escapes the next character).
     */
    static String[] members(String allowed) {
        List<String> members = new ArrayList<>();
        StringBuilder member = new StringBuilder();
        for (int i = 0; i < allowed.length(); i++) {
            char c = allowed.charAt(i);
            if (c == '\\' && i + 1 < allowed.length()) {
                member.append(allowed.charAt(++i));
            } else if (c == ',') {
                members.add(member.toString());
                member.setLength(0);
            } else {
                member.append(c);
            }
        }
        if (!allowed.isEmpty()) {
            members.add(member.toString());
        }
        return members.toArray(new String[0]);
    }

    /** True when the column should be LowCardinality(String) (table.enum.type=LowCardinality). */
    public static boolean lowCardinality(TypeContext ctx) {
        return ctx.enumMode() == EnumMode.LOW_CARDINALITY;
    }
}
