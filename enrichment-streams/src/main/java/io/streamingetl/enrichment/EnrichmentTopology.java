package io.streamingetl.enrichment;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.util.Properties;

/**
 * person, address and geo (the SMT's flat rows) joined into one row per address, and people per
 * city from it:
 *
 * <pre>
 * address ──FK leftJoin person (address.person_id)──┐
 *                                                   ├─ PK leftJoin ─▶ Enriched ─▶ VersionGuard ─▶ streaming_etl.person_enriched
 * geo ──GeoByAddress (re-key by address_id)─────────┘                      │
 *                                                      CityContributions ─▶ (by city) ─▶ CityCounter ─▶ streaming_etl.people_per_city
 * </pre>
 *
 * Source tables keep soft-deleted rows (they carry the delete's version); the joins are left
 * joins, and a row that is not in the reference view (address deleted, person missing or deleted)
 * is emitted with {@code _deleted = 1}. So nothing disappears silently: ClickHouse always receives
 * a newer row, and FINAL drops the deleted ones.
 */
public final class EnrichmentTopology {
    public static final String PERSON_TOPIC = "dbserver.streaming_etl_db.person";
    public static final String ADDRESS_TOPIC = "dbserver.streaming_etl_db.address";
    public static final String GEO_TOPIC = "dbserver.streaming_etl_db.geo";
    public static final String ENRICHED_TOPIC = "streaming_etl.person_enriched";
    public static final String PEOPLE_PER_CITY_TOPIC = "streaming_etl.people_per_city";

    private EnrichmentTopology() {
    }

    public static Topology build(Properties props) {
        Serde<Rows.Person> personSerde = JsonSerde.of(Rows.Person.class);
        Serde<Rows.Address> addressSerde = JsonSerde.of(Rows.Address.class);
        Serde<Rows.Geo> geoSerde = JsonSerde.of(Rows.Geo.class);
        Serde<Rows.GeoSlot> slotSerde = JsonSerde.of(Rows.GeoSlot.class);
        Serde<Rows.AddressPerson> apSerde = JsonSerde.of(Rows.AddressPerson.class);
        Serde<Rows.Enriched> enrichedSerde = JsonSerde.of(Rows.Enriched.class);
        Serde<Rows.CityDelta> deltaSerde = JsonSerde.of(Rows.CityDelta.class);
        Serde<Rows.City> citySerde = JsonSerde.of(Rows.City.class);
        Serde<Integer> ids = Serdes.Integer();

        StreamsBuilder builder = new StreamsBuilder();

        // Tables by id. The topics' keys are the Debezium key envelopes; the row carries the id, so
        // re-key by it (one repartition each) and keep the latest row per id: topic order is binlog order.
        KTable<Integer, Rows.Person> person = builder
                .stream(PERSON_TOPIC, Consumed.with(Serdes.ByteArray(), readOnly(SourceRows.person()))
                        .withName("person-source"))
                .filter((k, v) -> v != null, Named.as("person-rows"))
                .map((k, v) -> KeyValue.pair(v.id(), v), Named.as("person-by-id"))
                .toTable(Named.as("person-table"), Materialized.<Integer, Rows.Person, KeyValueStore<Bytes, byte[]>>as(
                        "person").withKeySerde(ids).withValueSerde(personSerde));
        KTable<Integer, Rows.Address> address = builder
                .stream(ADDRESS_TOPIC, Consumed.with(Serdes.ByteArray(), readOnly(SourceRows.address()))
                        .withName("address-source"))
                .filter((k, v) -> v != null, Named.as("address-rows"))
                .map((k, v) -> KeyValue.pair(v.id(), v), Named.as("address-by-id"))
                .toTable(Named.as("address-table"), Materialized.<Integer, Rows.Address, KeyValueStore<Bytes, byte[]>>as(
                        "address").withKeySerde(ids).withValueSerde(addressSerde));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GeoByAddress.STORE),
                ids, geoSerde));
        KTable<Integer, Rows.GeoSlot> geoByAddress = builder
                .stream(GEO_TOPIC, Consumed.with(Serdes.ByteArray(), readOnly(SourceRows.geo()))
                        .withName("geo-source"))
                .filter((k, v) -> v != null, Named.as("geo-rows"))
                .map((k, v) -> KeyValue.pair(v.id(), v), Named.as("geo-by-id"))
                .repartition(Repartitioned.<Integer, Rows.Geo>as("geo-by-id").withKeySerde(ids).withValueSerde(geoSerde))
                .process(GeoByAddress::new, Named.as("geo-by-address"), GeoByAddress.STORE)
                .toTable(Named.as("geo-slot-table"), Materialized.<Integer, Rows.GeoSlot, KeyValueStore<Bytes, byte[]>>as(
                        "geo-by-address").withKeySerde(ids).withValueSerde(slotSerde));

        KTable<Integer, Rows.AddressPerson> addressPerson = address.leftJoin(person,
                (java.util.function.Function<Rows.Address, Integer>) Rows.Address::personId,
                Rows.AddressPerson::new, TableJoined.as("address-person"),
                Materialized.<Integer, Rows.AddressPerson, KeyValueStore<Bytes, byte[]>>as("address-person")
                        .withKeySerde(ids).withValueSerde(apSerde));
        KTable<Integer, Rows.Enriched> enriched = addressPerson.leftJoin(geoByAddress, Rows.Enriched::of,
                Named.as("address-person-geo"),
                Materialized.<Integer, Rows.Enriched, KeyValueStore<Bytes, byte[]>>as("enriched")
                        .withKeySerde(ids).withValueSerde(enrichedSerde));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VersionGuard.STORE),
                ids, Serdes.Long()));
        KStream<Integer, Rows.Enriched> out = enriched.toStream(Named.as("enriched-changes"))
                .processValues(VersionGuard::new, Named.as("version-guard"), VersionGuard.STORE);
        out.to(ENRICHED_TOPIC, Produced.with(writeOnly(OutputRecords.enrichedKey()),
                writeOnly(OutputRecords.enrichedValue())).withName("enriched-sink"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CityContributions.STORE),
                ids, enrichedSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CityCounter.PAIRS),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CityCounter.CITIES),
                Serdes.String(), citySerde));
        out.process(CityContributions::new, Named.as("city-contributions"), CityContributions.STORE)
                .repartition(Repartitioned.<String, Rows.CityDelta>as("city-deltas")
                        .withKeySerde(Serdes.String()).withValueSerde(deltaSerde))
                .process(CityCounter::new, Named.as("city-counter"), CityCounter.PAIRS, CityCounter.CITIES)
                .to(PEOPLE_PER_CITY_TOPIC, Produced.with(writeOnly(OutputRecords.cityKey()),
                        writeOnly(OutputRecords.cityValue())).withName("people-per-city-sink"));

        return builder.build(props);
    }

    /** Source topics are only read, output topics only written: the other direction is a bug. */
    private static <T> Serde<T> readOnly(Deserializer<T> deserializer) {
        return Serdes.serdeFrom((topic, value) -> {
            throw new UnsupportedOperationException("topic " + topic + " is read-only for this application");
        }, deserializer);
    }

    private static <T> Serde<T> writeOnly(Serializer<T> serializer) {
        return Serdes.serdeFrom(serializer, (topic, bytes) -> {
            throw new UnsupportedOperationException("topic " + topic + " is write-only for this application");
        });
    }
}
