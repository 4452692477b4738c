package io.streamingetl.enrichment;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each address's emitted {@code _version} from going down. The join computes the version as
 * the newest input version, which grows with binlog order; but the join's inputs travel through
 * different internal topics, so a result can be computed from a newer person and, right after, from
 * the older person an address just switched to (version lower than the one already emitted).
 * ClickHouse would then keep the stale row. Emitting max(computed, last emitted) makes the last
 * emission win: at equal versions ReplacingMergeTree keeps the row inserted last, and the sink
 * inserts in topic order.
 */
final class VersionGuard implements FixedKeyProcessor<Integer, Rows.Enriched, Rows.Enriched> {
    static final String STORE = "enriched-last-version";

    private FixedKeyProcessorContext<Integer, Rows.Enriched> context;
    private KeyValueStore<Integer, Long> lastVersion;

    @Override
    public void init(FixedKeyProcessorContext<Integer, Rows.Enriched> context) {
        this.context = context;
        this.lastVersion = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<Integer, Rows.Enriched> record) {
        Rows.Enriched row = record.value();
        if (row == null) {
            return; // only a tombstoned address gives null; the SMT's soft deletes never do
        }
        Long last = lastVersion.get(record.key());
        long version = last == null ? row.version() : Math.max(last, row.version());
        lastVersion.put(record.key(), version);
        context.forward(record.withValue(version == row.version() ? row : row.withVersion(version)));
    }
}
