package io.streamingetl.enrichment;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The output topics in the format the stack's Connect worker reads (JsonConverter with schemas),
 * so the ClickHouse sink creates typed columns: Date32 for birth_date, Decimal(9,6) for the
 * coordinates, and ReplacingMergeTree(_version, _deleted) ordered by the key.
 * connector-configs/ksql/ writes the same envelope.
 */
final class OutputRecords {
    static final Schema ENRICHED_KEY = SchemaBuilder.struct().name("streaming_etl.person_enriched.Key")
            .field("address_id", Schema.INT32_SCHEMA).build();

    private static final Schema COORDINATE = Decimal.builder(6).parameter("connect.decimal.precision", "9")
            .optional().build();

    static final Schema ENRICHED_VALUE = SchemaBuilder.struct().name("streaming_etl.person_enriched.Value")
            .field("address_id", Schema.INT32_SCHEMA)
            .field("person_id", Schema.INT32_SCHEMA)
            .field("first_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("last_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("birth_date", Date.builder().optional().build())
            .field("street", Schema.STRING_SCHEMA)
            .field("city", Schema.STRING_SCHEMA)
            .field("postal_code", Schema.OPTIONAL_STRING_SCHEMA)
            .field("country", Schema.STRING_SCHEMA)
            .field("geo_id", Schema.OPTIONAL_INT32_SCHEMA)
            .field("latitude", COORDINATE)
            .field("longitude", COORDINATE)
            .field("_deleted", Schema.INT8_SCHEMA)
            .field("_version", Schema.INT64_SCHEMA)
            .build();

    static final Schema CITY_KEY = SchemaBuilder.struct().name("streaming_etl.people_per_city.Key")
            .field("city", Schema.STRING_SCHEMA).build();

    static final Schema CITY_VALUE = SchemaBuilder.struct().name("streaming_etl.people_per_city.Value")
            .field("city", Schema.STRING_SCHEMA)
            .field("people", Schema.INT64_SCHEMA)
            .field("_deleted", Schema.INT8_SCHEMA)
            .field("_version", Schema.INT64_SCHEMA)
            .build();

    private OutputRecords() {
    }

    static Serializer<Integer> enrichedKey() {
        JsonConverter c = converter(true);
        return (topic, id) -> id == null ? null
                : c.fromConnectData(topic, ENRICHED_KEY, new Struct(ENRICHED_KEY).put("address_id", id));
    }

    static Serializer<Rows.Enriched> enrichedValue() {
        JsonConverter c = converter(false);
        return (topic, e) -> e == null ? null : c.fromConnectData(topic, ENRICHED_VALUE, new Struct(ENRICHED_VALUE)
                .put("address_id", e.addressId())
                .put("person_id", e.personId())
                .put("first_name", e.firstName())
                .put("last_name", e.lastName())
                .put("email", e.email())
                .put("birth_date", e.birthDate() == null ? null : new java.util.Date(e.birthDate() * 86_400_000L))
                .put("street", e.street())
                .put("city", e.city())
                .put("postal_code", e.postalCode())
                .put("country", e.country())
                .put("geo_id", e.geoId())
                .put("latitude", coordinate(e.latitude()))
                .put("longitude", coordinate(e.longitude()))
                .put("_deleted", (byte) (e.deleted() ? 1 : 0))
                .put("_version", e.version()));
    }

    static Serializer<String> cityKey() {
        JsonConverter c = converter(true);
        return (topic, city) -> city == null ? null
                : c.fromConnectData(topic, CITY_KEY, new Struct(CITY_KEY).put("city", city));
    }

    /** A city whose count dropped to 0 is a delete: ClickHouse's FINAL then drops the row. */
    static Serializer<Rows.City> cityValue() {
        JsonConverter c = converter(false);
        return (topic, city) -> city == null ? null : c.fromConnectData(topic, CITY_VALUE, new Struct(CITY_VALUE)
                .put("city", city.city())
                .put("people", city.people())
                .put("_deleted", (byte) (city.people() == 0 ? 1 : 0))
                .put("_version", city.version()));
    }

    private static BigDecimal coordinate(BigDecimal value) {
        // DECIMAL(9,6) in the source: the scale is already 6; setScale guards against a rescaled input.
        return value == null ? null : value.setScale(6, RoundingMode.UNNECESSARY);
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true", "decimal.format", "BASE64"), isKey);
        return c;
    }
}
