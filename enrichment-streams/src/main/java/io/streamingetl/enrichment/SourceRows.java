package io.streamingetl.enrichment;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.math.BigDecimal;
import java.util.Date;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the SMT's flat rows (JsonConverter with schemas, as the Connect worker wrote them) into
 * {@link Rows}. Going through JsonConverter gives the logical types back exactly: DECIMAL as
 * BigDecimal with its scale, DATE as a Date.
 */
final class SourceRows {
    private SourceRows() {
    }

    static Deserializer<Rows.Person> person() {
        return deserializer(r -> new Rows.Person(r.integer("id"), r.string("first_name"), r.string("last_name"),
                r.string("email"), r.days("birth_date"), r.deleted(), r.version()));
    }

    static Deserializer<Rows.Address> address() {
        return deserializer(r -> new Rows.Address(r.integer("id"), r.integer("person_id"), r.string("street"),
                r.string("city"), r.string("postal_code"), r.string("country"), r.deleted(), r.version()));
    }

    static Deserializer<Rows.Geo> geo() {
        return deserializer(r -> new Rows.Geo(r.integer("id"), r.integer("address_id"), r.decimal("latitude"),
                r.decimal("longitude"), r.deleted(), r.version()));
    }

    private static <T> Deserializer<T> deserializer(Function<Row, T> read) {
        JsonConverter converter = new JsonConverter();
        // A NULL stays NULL, not the column's DEFAULT (KAFKA-8713).
        converter.configure(Map.of("schemas.enable", "true", "decimal.format", "BASE64", "replace.null.with.default", "false"), false);
        return (topic, bytes) -> {
            if (bytes == null) {
                return null; // a tombstone (the SMT drops them by default): the table forgets the key
            }
            SchemaAndValue data;
            try {
                data = converter.toConnectData(topic, bytes);
            } catch (RuntimeException e) {
                throw new SerializationException("topic " + topic + ": not Connect JSON with schemas: "
                        + e.getMessage(), e);
            }
            if (!(data.value() instanceof Struct struct)) {
                throw new SerializationException("topic " + topic + ": expected a flat row (struct), got "
                        + (data.value() == null ? "null" : data.value().getClass().getSimpleName()));
            }
            return read.apply(new Row(topic, struct));
        };
    }

    /** Typed access to one row's fields; a missing or mistyped field is an error naming topic and field. */
    private record Row(String topic, Struct struct) {
        Object get(String name, boolean required) {
            Field field = struct.schema().field(name);
            if (field == null) {
                throw new SerializationException("topic " + topic + ": the row has no field '" + name + "' (fields: "
                        + struct.schema().fields().stream().map(Field::name).toList() + ")");
            }
            Object value = struct.getWithoutDefault(field.name());
            if (value == null && required) {
                throw new SerializationException("topic " + topic + ": field '" + name + "' is null");
            }
            return value;
        }

        <V> V typed(String name, Class<V> type, boolean required) {
            Object value = get(name, required);
            if (value != null && !type.isInstance(value)) {
                throw new SerializationException("topic " + topic + ": field '" + name + "' is "
                        + value.getClass().getSimpleName() + ", expected " + type.getSimpleName());
            }
            return type.cast(value);
        }

        int integer(String name) {
            return typed(name, Integer.class, true);
        }

        String string(String name) {
            return typed(name, String.class, false);
        }

        Integer days(String name) {
            Date date = typed(name, Date.class, false);
            return date == null ? null : Math.toIntExact(Math.floorDiv(date.getTime(), 86_400_000L));
        }

        BigDecimal decimal(String name) {
            return typed(name, BigDecimal.class, false);
        }

        boolean deleted() {
            Number flag = typed("_deleted", Number.class, true);
            return flag.intValue() != 0;
        }

        long version() {
            return typed("_version", Long.class, true);
        }
    }
}
