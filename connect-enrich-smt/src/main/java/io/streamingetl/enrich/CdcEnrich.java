package io.streamingetl.enrich;

import java.util.Map;

import io.streamingetl.common.PluginVersion;
import io.streamingetl.common.SchemaCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;

import io.streamingetl.enrich.CdcEnrichConfig.Meta;

/**
 * Turns a Debezium MySQL/MariaDB change envelope into one flat row with CDC metadata, in one pass:
 * what ExtractNewRecordState followed by Flatten does, plus {@code _deleted}/{@code _version} for
 * ClickHouse's ReplacingMergeTree and logical types ClickHouse maps cleanly.
 *
 * <p>{@link Value} does all of that to the record value (and optionally the key); {@link Key}
 * only flattens the key. Records that are no change envelope pass through unchanged.
 */
public abstract class CdcEnrich<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    public static final String OVERVIEW_DOC = "Unwrap a Debezium MySQL/MariaDB change envelope into one flat row: "
            + "c/r/u give the after image, d the before image marked deleted (or a tombstone, or nothing); "
            + "nested fields are joined with a delimiter; metadata _op, _ts_ms, _db, _table, _deleted, _version "
            + "are appended; Debezium logical types become Connect logical types or documented primitives. "
            + "Use the concrete transformation type designed for the record key (<code>" + Key.class.getName()
            + "</code>) or value (<code>" + Value.class.getName() + "</code>).";

    public static final ConfigDef CONFIG_DEF = CdcEnrichConfig.CONFIG_DEF;

    private static final String VERSION = PluginVersion.of(CdcEnrich.class, "version.properties");

    protected CdcEnrichConfig config;
    protected KeyFlattener keys;

    @Override
    public void configure(Map<String, ?> props) {
        config = new CdcEnrichConfig(props);
        keys = new KeyFlattener(config);
        init();
    }

    /** Per-variant state, after the config is read. */
    protected void init() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void close() {
    }

    /** The record with its key flattened when key flattening applies, else the key as is. */
    protected R withValue(R record, Schema valueSchema, Object value, boolean flattenKey) {
        Schema keySchema = record.keySchema();
        Object key = record.key();
        if (flattenKey && key != null) {
            SchemaAndValue k = keys.flatten(key, record.topic());
            if (k != null) {
                keySchema = k.schema();
                key = k.value();
            }
        }
        return record.newRecord(record.topic(), record.kafkaPartition(), keySchema, key, valueSchema, value,
                record.timestamp());
    }

    /** Where a bad record came from, so an error can be traced to it. */
    static String describe(ConnectRecord<?> record) {
        StringBuilder sb = new StringBuilder("topic '").append(record.topic()).append("', partition ")
                .append(record.kafkaPartition());
        if (record instanceof SinkRecord) {
            sb.append(", offset ").append(((SinkRecord) record).kafkaOffset());
        } else if (record instanceof SourceRecord) {
            sb.append(", source offset ").append(((SourceRecord) record).sourceOffset());
        }
        return sb.toString();
    }

    static DataException withContext(ConnectRecord<?> record, RuntimeException e) {
        return new DataException(CdcEnrich.class.getSimpleName() + " failed on " + describe(record) + ": "
                + e.getMessage(), e);
    }

    /** Unwraps and flattens the record value; see the README for every option. */
    public static class Value<R extends ConnectRecord<R>> extends CdcEnrich<R> {

        private SchemaChangeMarkers markers;

        private SchemaCache<RowPlan> plans;
        private SchemalessFlattener schemaless;
        /** Null when versions are off or unchecked. */
        private VersionOrder order;
        /** Null when recent.changes=0. */
        private RecentChanges recent;

        @Override
        protected void init() {
            recent = config.recentChanges > 0 ? RecentChanges.register(config.recentChanges) : null;
            plans = new SchemaCache<>(config.schemaCacheSize);
            schemaless = new SchemalessFlattener(config.delimiter, config.collections, config.schemaCacheSize);
            order = config.versionOrderCheck && config.metaName(Meta.VERSION) != null ? new VersionOrder() : null;
            markers = new SchemaChangeMarkers(config.metaNames());
        }

        @Override
        public R apply(R record) {
            R out = transform(record);
            if (recent != null && record.value() != null) {
                recent.add(record.topic(), record.value(), out == null ? null : out.value());
            }
            return out;
        }

        @Override
        public void close() {
            if (recent != null) {
                recent.close();
            }
        }

        private R transform(R record) {
            Object value = record.value();
            try {
                if (value == null) {
                    // The tombstone Debezium sends after a delete: the delete itself already carries it.
                    return config.tombstones == CdcEnrichConfig.TombstoneMode.KEEP
                            ? withValue(record, record.valueSchema(), null, config.keyFlatten) : null;
                }
                if (config.schemaChanges == CdcEnrichConfig.SchemaChangeMode.MARKER
                        && SchemaChangeMarkers.isSchemaChange(record.valueSchema(), value)) {
                    return markers.schemaChange(record);
                }
                if (value instanceof Struct) {
                    return applyWithSchema(record, (Struct) value);
                }
                if (value instanceof Map) {
                    return applySchemaless(record, (Map<?, ?>) value);
                }
                return record;
            } catch (RuntimeException e) {
                throw withContext(record, e);
            }
        }

        private R applyWithSchema(R record, Struct envelope) {
            RowPlan plan = plans.get(envelope.schema(), s -> RowPlan.forSchema(s, config));
            if (plan == RowPlan.NOT_AN_ENVELOPE) {
                return record;
            }
            EnvelopeReader reader = plan.envelope;
            String op = requireOp(reader.op(envelope));
            require(reader.source(envelope), op, EnvelopeReader.SOURCE);
            Struct row;
            switch (op) {
                case "c":
                case "r":
                case "u":
                    row = plan.row(envelope, require(reader.after(envelope), op, EnvelopeReader.AFTER), op, false);
                    break;
                case "d":
                    switch (config.deleteMode) {
                        case DROP:
                            return null;
                        case TOMBSTONE:
                            return withValue(record, null, null, config.keyFlatten);
                        default:
                            row = plan.row(envelope, require(reader.before(envelope), op, EnvelopeReader.BEFORE),
                                    op, true);
                    }
                    break;
                case "t":
                    return truncate(record, reader.source(envelope));
                default:
                    return record; // e.g. 'm' (logical decoding messages): not a row change
            }
            if (order != null) {
                order.check(record, plan.version(row));
            }
            return withValue(record, plan.schema, row, config.keyFlatten);
        }

        private R applySchemaless(R record, Map<?, ?> envelope) {
            if (!EnvelopeReader.isEnvelope(envelope)) {
                return record;
            }
            String op = requireOp(envelope.get(EnvelopeReader.OP));
            if (!(require(envelope.get(EnvelopeReader.SOURCE), op, EnvelopeReader.SOURCE) instanceof Map)) {
                throw new DataException("field '" + EnvelopeReader.SOURCE + "' is not an object: "
                        + envelope.get(EnvelopeReader.SOURCE));
            }
            Object image;
            boolean deleted = false;
            switch (op) {
                case "c":
                case "r":
                case "u":
                    image = require(envelope.get(EnvelopeReader.AFTER), op, EnvelopeReader.AFTER);
                    break;
                case "d":
                    switch (config.deleteMode) {
                        case DROP:
                            return null;
                        case TOMBSTONE:
                            return withValue(record, null, null, config.keyFlatten);
                        default:
                            image = require(envelope.get(EnvelopeReader.BEFORE), op, EnvelopeReader.BEFORE);
                            deleted = true;
                    }
                    break;
                case "t":
                    return truncate(record, envelope.get(EnvelopeReader.SOURCE));
                default:
                    return record;
            }
            if (!(image instanceof Map)) {
                throw new DataException("field '" + (deleted ? EnvelopeReader.BEFORE : EnvelopeReader.AFTER)
                        + "' is not an object: " + image);
            }
            Map<String, Object> row = schemaless.flatten((Map<?, ?>) image, record.topic());
            Map<?, ?> source = (Map<?, ?>) envelope.get(EnvelopeReader.SOURCE);
            Long version = config.metaName(Meta.VERSION) == null ? null : SourceReader.version(source, op);
            if (order != null) {
                order.check(record, version);
            }
            putMeta(row, Meta.OP, op);
            putMeta(row, Meta.TS_MS, config.metaName(Meta.TS_MS) == null ? null : SourceReader.tsMs(source));
            putMeta(row, Meta.DB, config.metaName(Meta.DB) == null ? null : SourceReader.db(source));
            putMeta(row, Meta.TABLE, config.metaName(Meta.TABLE) == null ? null : SourceReader.table(source));
            putMeta(row, Meta.DELETED, (byte) (deleted ? 1 : 0));
            putMeta(row, Meta.VERSION, version);
            return withValue(record, null, row, config.keyFlatten);
        }

        private R truncate(R record, Object source) {
            switch (config.truncateMode) {
                case DROP:
                    return null;
                case MARKER:
                    return markers.truncate(record, source);
                default:
                    return record;
            }
        }

        private void putMeta(Map<String, Object> row, Meta meta, Object value) {
            String name = config.metaName(meta);
            if (name == null) {
                return;
            }
            if (row.containsKey(name)) {
                throw new DataException("Flattening gives two fields named '" + name + "': the column '" + name
                        + "' and the metadata field (" + meta.nameOption() + "). Rename the metadata field");
            }
            row.put(name, value);
        }

        private static String requireOp(Object op) {
            if (!(op instanceof String)) {
                throw new DataException("field '" + EnvelopeReader.OP + "' is " + (op == null ? "null" : "not a string: " + op)
                        + " in a change event (expected c, r, u, d or t)");
            }
            return (String) op;
        }

        private static <T> T require(T value, String op, String field) {
            if (value == null) {
                throw new DataException("field '" + field + "' is null in an op '" + op + "' change event");
            }
            return value;
        }
    }

    /** Flattens the record key only (nested structs joined, logical types normalised). */
    public static class Key<R extends ConnectRecord<R>> extends CdcEnrich<R> {

        @Override
        public R apply(R record) {
            if (record.key() == null) {
                return record;
            }
            try {
                SchemaAndValue k = keys.flatten(record.key(), record.topic());
                return k == null ? record : record.newRecord(record.topic(), record.kafkaPartition(), k.schema(),
                        k.value(), record.valueSchema(), record.value(), record.timestamp());
            } catch (RuntimeException e) {
                throw withContext(record, e);
            }
        }
    }
}
