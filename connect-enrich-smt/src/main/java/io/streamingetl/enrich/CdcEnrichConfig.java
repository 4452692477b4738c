package io.streamingetl.enrich;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.streamingetl.common.ParsedOnly;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every option of {@link CdcEnrich} in one {@link ConfigDef}: the worker's validate endpoint and
 * Debezium UI render it, and a bad value fails with a message naming the option.
 */
public final class CdcEnrichConfig extends AbstractConfig {

    public static final String DELETE_MODE = "delete.mode";
    public static final String TOMBSTONES = "tombstones";
    public static final String TRUNCATE_MODE = "truncate.mode";
    public static final String SCHEMA_CHANGES = "schema.changes";
    public static final String KEY_FLATTEN = "key.flatten";
    public static final String DELIMITER = "flatten.delimiter";
    public static final String COLLECTIONS = "flatten.collections";
    public static final String METADATA_FIELDS = "metadata.fields";
    public static final String SCHEMA_CACHE_SIZE = "schema.cache.size";
    public static final String RECENT_CHANGES = "recent.changes";
    public static final String VERSION_ORDER_CHECK = "version.order.check";

    /** The metadata columns, in the order they are appended after the data columns. */
    public enum Meta {
        OP("op", "_op", "Operation: c, r, u or d."),
        TS_MS("ts_ms", "_ts_ms", "Source commit time, epoch millis (source.ts_ms)."),
        DB("db", "_db", "Source database (source.db)."),
        TABLE("table", "_table", "Source table (source.table)."),
        DELETED("deleted", "_deleted", "INT8 1 for a soft-deleted row, else 0."),
        VERSION("version", "_version", "INT64 binlog order: file number, event position + row, snapshot bit (see README).");

        public final String id;
        public final String defaultName;
        final String doc;

        Meta(String id, String defaultName, String doc) {
            this.id = id;
            this.defaultName = defaultName;
            this.doc = doc;
        }

        public String nameOption() {
            return "metadata." + id + ".name";
        }
    }

    public enum DeleteMode { SOFT, TOMBSTONE, DROP }

    public enum TombstoneMode { DROP, KEEP }

    public enum TruncateMode { DROP, PASSTHROUGH, MARKER }

    public enum SchemaChangeMode { PASS, MARKER }

    public enum CollectionMode { KEEP, JSON }

    private static final String GROUP_EVENTS = "Change events";
    private static final String GROUP_FLATTEN = "Flatten";
    private static final String GROUP_METADATA = "CDC metadata";

    public static final ConfigDef CONFIG_DEF = buildConfigDef();

    private static ConfigDef buildConfigDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(DELETE_MODE, Type.STRING, "soft", enumValidator(DeleteMode.values()), Importance.HIGH,
                "What a delete (op d) becomes. 'soft': the row's before image with the deleted flag set to 1, so "
                        + "ReplacingMergeTree(_version, _deleted) drops the row; 'tombstone': a record with the key and "
                        + "a null value; 'drop': nothing.",
                GROUP_EVENTS, ++order, Width.SHORT, "Delete handling");
        def.define(TOMBSTONES, Type.STRING, "drop", enumValidator(TombstoneMode.values()), Importance.MEDIUM,
                "What the tombstone (null value) that Debezium sends after each delete becomes. 'drop' (the delete "
                        + "itself already carries the deletion) or 'keep' (for compacted topics).",
                GROUP_EVENTS, ++order, Width.SHORT, "Tombstone handling");
        def.define(TRUNCATE_MODE, Type.STRING, "drop", enumValidator(TruncateMode.values()), Importance.MEDIUM,
                "What a truncate event (op t; Debezium emits it when skipped.operations leaves out 't') becomes: "
                        + "'drop' (the table is not emptied downstream), 'passthrough' (the envelope goes on "
                        + "unchanged) or 'marker' (a schema-change marker at its place in the table's stream: the "
                        + "ClickHouse sink removes the rows before it and keeps those after it; see "
                        + SCHEMA_CHANGES + ").",
                GROUP_EVENTS, ++order, Width.SHORT, "Truncate handling");
        def.define(SCHEMA_CHANGES, Type.STRING, "pass", enumValidator(SchemaChangeMode.values()), Importance.MEDIUM,
                "What a Debezium schema-change event (the connector's include.schema.changes topic) becomes. "
                        + "'pass': it goes on unchanged. 'marker': a streamed change of a table (ALTER, RENAME, "
                        + "TRUNCATE, DROP, CREATE) becomes a marker on that table's own change topic (the topic "
                        + "prefix plus .db.table; for RENAME TABLE the topic of the last new name), at its place "
                        + "among the table's row changes, so the ClickHouse sink applies it after every change "
                        + "before it and before every change after it. A marker has a null key and value and the "
                        + "change as JSON in the header 'streamingetl.schema.change' (no schema reaches a schema "
                        + "registry). Changes outside tables (SET, CREATE DATABASE) and the snapshot's own DDL pass "
                        + "on unchanged. Assumes one partition per table topic, as the shipped source configures.",
                GROUP_EVENTS, ++order, Width.SHORT, "Schema changes");
        def.define(KEY_FLATTEN, Type.BOOLEAN, false, Importance.LOW,
                "Value transform only: also flatten the record key and normalise its types with the same rules "
                        + "(the Key transform does this alone). Off: the key is kept as is.",
                GROUP_EVENTS, ++order, Width.SHORT, "Flatten key too");

        order = 0;
        def.define(DELIMITER, Type.STRING, "_", new NonEmpty(), Importance.MEDIUM,
                "Put between a parent field's name and its child's name when nested structs are flattened.",
                GROUP_FLATTEN, ++order, Width.SHORT, "Delimiter");
        def.define(COLLECTIONS, Type.STRING, "keep", enumValidator(CollectionMode.values()), Importance.LOW,
                "Arrays and maps: 'keep' as Connect ARRAY/MAP, or 'json' to render them as a JSON string.",
                GROUP_FLATTEN, ++order, Width.SHORT, "Arrays and maps");
        def.define(RECENT_CHANGES, Type.INT, 20, ParsedOnly.of(ConfigDef.Range.between(0, 1000)), Importance.LOW,
                "Records per topic kept in memory as they entered and left the transform, for the pipeline "
                        + "console's before/after view (JMX io.streamingetl.enrich:type=recent-changes); about "
                        + "55 ns a record (bench/smt.sh). 0: none kept.",
                GROUP_EVENTS, ++order, Width.SHORT, "Recent changes kept");
        def.define(SCHEMA_CACHE_SIZE, Type.INT, 1024, ParsedOnly.of(ConfigDef.Range.between(16, 1_000_000)), Importance.LOW,
                "How many input schemas keep their precomputed flatten plan (LRU). A task sees one schema per "
                        + "table and schema version; keep it above that number or plans are rebuilt.",
                GROUP_FLATTEN, ++order, Width.SHORT, "Schema cache size");

        order = 0;
        List<String> all = new ArrayList<>();
        for (Meta m : Meta.values()) {
            all.add(m.id);
        }
        def.define(METADATA_FIELDS, Type.LIST, String.join(",", all), new MetaList(), Importance.MEDIUM,
                "Which metadata fields to append after the data columns, any of " + all + ". Empty: none.",
                GROUP_METADATA, ++order, Width.LONG, "Metadata fields");
        def.define(VERSION_ORDER_CHECK, Type.BOOLEAN, true, Importance.MEDIUM,
                "Fail when a streamed change's _version is not above the previous one on its topic partition. "
                        + "That happens only when the source's binlog positions are not event-level (MariaDB 11.4+ "
                        + "without binlog_legacy_event_pos=ON, MySQL with binlog_transaction_compression=ON), and "
                        + "then an older row image could win in ClickHouse. Switch off only to let such a source "
                        + "through knowingly.",
                GROUP_METADATA, ++order, Width.SHORT, "Check version order");
        for (Meta m : Meta.values()) {
            def.define(m.nameOption(), Type.STRING, m.defaultName, new NonEmpty(), Importance.LOW,
                    "Field name of the '" + m.id + "' metadata. " + m.doc,
                    GROUP_METADATA, ++order, Width.SHORT, "Name of " + m.id);
        }
        return def;
    }

    public final DeleteMode deleteMode;
    public final TombstoneMode tombstones;
    public final TruncateMode truncateMode;
    public final SchemaChangeMode schemaChanges;
    public final boolean keyFlatten;
    public final String delimiter;
    public final CollectionMode collections;
    public final int schemaCacheSize;
    public final boolean versionOrderCheck;
    public final int recentChanges;
    /** Output name per metadata field, null where switched off. Indexed by {@link Meta#ordinal()}. */
    private final EnumMap<Meta, String> metaNames = new EnumMap<>(Meta.class);

    public CdcEnrichConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        deleteMode = DeleteMode.valueOf(upper(getString(DELETE_MODE)));
        tombstones = TombstoneMode.valueOf(upper(getString(TOMBSTONES)));
        truncateMode = TruncateMode.valueOf(upper(getString(TRUNCATE_MODE)));
        schemaChanges = SchemaChangeMode.valueOf(upper(getString(SCHEMA_CHANGES)));
        keyFlatten = getBoolean(KEY_FLATTEN);
        delimiter = getString(DELIMITER);
        collections = CollectionMode.valueOf(upper(getString(COLLECTIONS)));
        schemaCacheSize = getInt(SCHEMA_CACHE_SIZE);
        versionOrderCheck = getBoolean(VERSION_ORDER_CHECK);
        recentChanges = getInt(RECENT_CHANGES);

        Set<String> enabled = new LinkedHashSet<>(getList(METADATA_FIELDS));
        Map<String, String> taken = new HashMap<>();
        for (Meta m : Meta.values()) {
            if (!enabled.contains(m.id)) {
                continue;
            }
            String name = getString(m.nameOption());
            String previous = taken.putIfAbsent(name, m.nameOption());
            if (previous != null) {
                throw new ConfigException(m.nameOption(), name,
                        "the same field name is already used by " + previous + "; metadata field names must differ");
            }
            metaNames.put(m, name);
        }
    }

    /** The output names of the metadata fields switched on. */
    public List<String> metaNames() {
        return List.copyOf(metaNames.values());
    }

    /** The output field name of a metadata field, or null when it is switched off. */
    public String metaName(Meta meta) {
        return metaNames.get(meta);
    }

    private static String upper(String s) {
        return s.trim().toUpperCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> ConfigDef.Validator enumValidator(E[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return ConfigDef.CaseInsensitiveValidString.in(names);
    }

    /** A non-empty string; ConfigDef.NonEmptyString would also accept " ". */
    static final class NonEmpty implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isEmpty() || value.toString().isBlank()) {
                throw new ConfigException(name, value, "must be a non-empty string");
            }
        }

        @Override
        public String toString() {
            return "non-empty string";
        }
    }

    /** Each entry one of the metadata ids, no repeats. */
    static final class MetaList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            Set<String> seen = new HashSet<>();
            for (Object o : (List<?>) value) {
                String id = o.toString().trim();
                boolean known = false;
                for (Meta m : Meta.values()) {
                    known |= m.id.equals(id);
                }
                if (!known) {
                    throw new ConfigException(name, value, "unknown metadata field '" + id + "'; valid: "
                            + this);
                }
                if (!seen.add(id)) {
                    throw new ConfigException(name, value, "metadata field '" + id + "' is listed twice");
                }
            }
        }

        @Override
        public String toString() {
            List<String> ids = new ArrayList<>();
            for (Meta m : Meta.values()) {
                ids.add(m.id);
            }
            return "any of " + ids;
        }
    }
}
