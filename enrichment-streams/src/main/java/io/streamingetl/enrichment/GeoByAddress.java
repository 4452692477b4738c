package io.streamingetl.enrichment;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Re-keys geo changes (keyed by geo id) by address id. geo.address_id is UNIQUE, so an address has
 * at most one geo point and the re-keyed table is sound. The SMT's rows carry no before image, so
 * this processor remembers each geo's last address: when a point moves from address A to B, or
 * is deleted, A receives a {@link Rows.GeoSlot#gone} marker with the version of that change.
 * That keeps A's enriched row moving forward (a plain re-key would only ever update B and leave
 * A's old point in place, or, if A's entry were deleted, drop the version that caused it).
 */
final class GeoByAddress implements Processor<Integer, Rows.Geo, Integer, Rows.GeoSlot> {
    static final String STORE = "geo-last-address";

    private ProcessorContext<Integer, Rows.GeoSlot> context;
    private KeyValueStore<Integer, Rows.Geo> lastById;

    @Override
    public void init(ProcessorContext<Integer, Rows.GeoSlot> context) {
        this.context = context;
        this.lastById = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<Integer, Rows.Geo> record) {
        Rows.Geo geo = record.value();
        if (geo == null) {
            return; // a tombstone: the soft delete before it already moved the geo out
        }
        Rows.Geo previous = lastById.get(geo.id());
        if (previous != null && !previous.deleted() && previous.addressId() != geo.addressId()) {
            context.forward(record.withKey(previous.addressId()).withValue(Rows.GeoSlot.gone(geo.id(), geo.version())));
        }
        context.forward(record.withKey(geo.addressId()).withValue(geo.deleted()
                ? Rows.GeoSlot.gone(geo.id(), geo.version()) : Rows.GeoSlot.of(geo)));
        lastById.put(geo.id(), geo);
    }
}
