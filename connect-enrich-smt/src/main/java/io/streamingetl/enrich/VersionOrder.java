package io.streamingetl.enrich;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Refuses a streamed change whose {@code _version} does not grow within its topic partition.
 *
 * <p>Debezium writes every table's changes in binlog order, so each topic partition holds a
 * subsequence of the binlog and its versions must strictly increase. They do not when the server
 * reports positions that are not event-level: MariaDB 11.4+ without
 * {@code binlog_legacy_event_pos=ON} gives every event of a transaction the transaction's start
 * (two statements of one transaction then share {@code pos} and restart {@code row}), and events
 * inside MySQL's compressed transaction payloads share one position. Such versions could let an
 * older image win in ClickHouse, so the transform stops with an error that names the setting
 * instead of emitting them.
 *
 * <p>Equal versions are legal only for the two halves of a primary-key change (Debezium's delete of
 * the old key and create of the new key come from one row; the create carries the
 * {@code __debezium.oldkey} header). Sink-side, a record at or below the last offset seen is a
 * redelivery or seek, and starts the partition's sequence afresh.
 */
final class VersionOrder {

    static final String OLD_KEY_HEADER = "__debezium.oldkey";

    private static final class Last {
        long version;
        long offset;
    }

    private final Map<String, Last> byPartition = new HashMap<>();
    private String cachedTopic;
    private Integer cachedPartition;
    private Last cached;

    void check(ConnectRecord<?> record, long version) {
        if (!CdcVersion.isStreamed(version)) {
            return;
        }
        Last last = lastOf(record);
        long offset = record instanceof SinkRecord ? ((SinkRecord) record).kafkaOffset() : Long.MAX_VALUE;
        boolean rewound = record instanceof SinkRecord && offset <= last.offset;
        if (last.version != 0 && !rewound && (version < last.version
                || (version == last.version && record.headers().lastWithName(OLD_KEY_HEADER) == null))) {
            throw new DataException("_version " + version + " (" + CdcVersion.describe(version) + ") is not above "
                    + "the previous change's " + last.version + " (" + CdcVersion.describe(last.version)
                    + ") on this topic partition: the source reports binlog positions that are not event-level, "
                    + "so versions could let an older row image win. On MariaDB 11.4 and later set "
                    + "binlog_legacy_event_pos=ON (SET GLOBAL binlog_legacy_event_pos=ON, and in the server's "
                    + "config); on MySQL 8 set binlog_transaction_compression=OFF. Then restart the connector");
        }
        last.version = version;
        last.offset = offset;
    }

    @SuppressWarnings("ReferenceEquality") // an identity fast path; a miss falls back to the map
    private Last lastOf(ConnectRecord<?> record) {
        String topic = record.topic();
        Integer partition = record.kafkaPartition();
        // Almost every record goes to the topic of the record before it: skip the map then.
        if (cached != null && topic == cachedTopic && java.util.Objects.equals(partition, cachedPartition)) {
            return cached;
        }
        Last last = byPartition.computeIfAbsent(topic + '/' + partition, k -> new Last());
        cachedTopic = topic;
        cachedPartition = partition;
        cached = last;
        return last;
    }
}
