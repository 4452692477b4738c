package io.streamingetl.enrichment;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * First step of people per city, partitioned by address: what one address contributes, i.e. its
 * (city, person) while the enriched row is live. When that changes (address moved to another
 * city or person, deleted, person deleted, late person arrived) it emits -1 for the old pair and
 * +1 for the new one, keyed by city, with the version of the enriched change that caused it.
 * Unlike a KTable groupBy (whose subtractor only sees the old row), the delta carries the causing
 * version into the city's row.
 */
final class CityContributions implements Processor<Integer, Rows.Enriched, String, Rows.CityDelta> {
    static final String STORE = "address-city-contribution";

    private ProcessorContext<String, Rows.CityDelta> context;
    private KeyValueStore<Integer, Rows.Enriched> lastLive;

    @Override
    public void init(ProcessorContext<String, Rows.CityDelta> context) {
        this.context = context;
        this.lastLive = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<Integer, Rows.Enriched> record) {
        Rows.Enriched row = record.value();
        if (row == null) {
            return;
        }
        Rows.Enriched before = lastLive.get(record.key());
        Rows.Enriched after = row.live() ? row : null;
        if (before != null && after != null && before.city().equals(after.city())
                && before.personId() == after.personId()) {
            return; // same contribution: the count cannot change
        }
        if (before != null) {
            context.forward(record.withKey(before.city())
                    .withValue(new Rows.CityDelta(before.city(), before.personId(), -1, row.version())));
        }
        if (after != null) {
            context.forward(record.withKey(after.city())
                    .withValue(new Rows.CityDelta(after.city(), after.personId(), +1, row.version())));
            lastLive.put(record.key(), after);
        } else if (before != null) {
            lastLive.delete(record.key());
        }
    }
}
