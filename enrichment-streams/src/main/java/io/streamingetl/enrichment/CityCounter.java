package io.streamingetl.enrichment;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Second step of people per city, partitioned by city: addresses per (city, person), and per city
 * the number of persons with at least one such address. A city row is emitted when its count
 * changes, down as well as up; at 0 it is a delete (see {@link OutputRecords#cityValue}). Its
 * version is the highest causing version seen for the city, so it never goes down.
 */
final class CityCounter implements Processor<String, Rows.CityDelta, String, Rows.City> {
    static final String PAIRS = "city-person-addresses";
    static final String CITIES = "city-people";

    private ProcessorContext<String, Rows.City> context;
    private KeyValueStore<String, Long> addressesPerPair;
    private KeyValueStore<String, Rows.City> cities;

    @Override
    public void init(ProcessorContext<String, Rows.City> context) {
        this.context = context;
        this.addressesPerPair = context.getStateStore(PAIRS);
        this.cities = context.getStateStore(CITIES);
    }

    @Override
    public void process(Record<String, Rows.CityDelta> record) {
        Rows.CityDelta d = record.value();
        String pair = d.city() + '\u0000' + d.personId();
        Long stored = addressesPerPair.get(pair);
        long before = stored == null ? 0 : stored;
        long after = before + d.delta();
        if (after < 0) {
            throw new IllegalStateException("city '" + d.city() + "', person " + d.personId()
                    + ": more addresses removed than added (state lost?)");
        }
        if (after == 0) {
            addressesPerPair.delete(pair);
        } else {
            addressesPerPair.put(pair, after);
        }
        long personDelta = before == 0 && after > 0 ? 1 : before > 0 && after == 0 ? -1 : 0;
        if (personDelta == 0) {
            return;
        }
        Rows.City city = cities.get(d.city());
        long people = (city == null ? 0 : city.people()) + personDelta;
        long version = city == null ? d.version() : Math.max(city.version(), d.version());
        Rows.City updated = new Rows.City(d.city(), people, version);
        cities.put(d.city(), updated);
        context.forward(record.withValue(updated));
    }
}
