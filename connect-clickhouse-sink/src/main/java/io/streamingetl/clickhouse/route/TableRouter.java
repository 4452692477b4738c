package io.streamingetl.clickhouse.route;

import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.config.RoutingSettings;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.HashMap;
import java.util.Map;

/**
 * Topic (and the SMT's _db/_table fields) to ClickHouse table. Order: the explicit topic map, then
 * the templates. Results are cached per topic when the templates do not read record fields.
 */
public final class TableRouter {
    private final String defaultDb;
    private final String tableTemplate;
    private final String dbTemplate;
    private final Map<String, String> topicMap;
    private final String dbField;
    private final String tableField;
    private final boolean readsFields;
    private final Map<String, TableId> byTopic = new HashMap<>();

    public TableRouter(RoutingSettings routing) {
        this(routing.defaultDatabase(), routing.tableTemplate(), routing.databaseTemplate(), routing.topicTableMap(),
                routing.dbField(), routing.tableField());
    }

    public TableRouter(String defaultDb, String tableTemplate, String dbTemplate, Map<String, String> topicMap,
                       String dbField, String tableField) {
        this.defaultDb = defaultDb;
        this.tableTemplate = tableTemplate;
        this.dbTemplate = dbTemplate == null ? "" : dbTemplate;
        this.topicMap = topicMap;
        this.dbField = dbField == null ? "" : dbField;
        this.tableField = tableField == null ? "" : tableField;
        String both = this.tableTemplate + this.dbTemplate;
        this.readsFields = both.contains("${db}") || both.contains("${table}");
    }

    public TableId route(SinkRecord record) {
        String topic = record.topic();
        if (!readsFields || topicMap.containsKey(topic)) {
            return route(topic, null, null);
        }
        return route(topic, fieldValue(record.value(), dbField), fieldValue(record.value(), tableField));
    }

    /**
     * The table of {@code topic} whose routing fields hold {@code db} and {@code table} (null: not
     * set): a record's, or a source table named by a schema-change marker.
     */
    public TableId route(String topic, String db, String table) {
        String mapped = topicMap.get(topic);
        if (mapped != null) {
            int dot = mapped.indexOf('.');
            return dot > 0 ? new TableId(mapped.substring(0, dot), mapped.substring(dot + 1))
                    : new TableId(defaultDb, mapped);
        }
        if (!readsFields || (db == null && table == null)) {
            return byTopic.computeIfAbsent(topic, t -> build(t, null, null));
        }
        return build(topic, db, table);
    }

    private TableId build(String topic, String dbFromRecord, String tableFromRecord) {
        String[] seg = topic.split("\\.");
        String table = tableFromRecord != null ? tableFromRecord : seg[seg.length - 1];
        String db = dbFromRecord != null ? dbFromRecord : (seg.length >= 2 ? seg[seg.length - 2] : defaultDb);
        String tableName = expand(tableTemplate, topic, db, table);
        String dbName = dbTemplate.isEmpty() ? defaultDb : expand(dbTemplate, topic, db, table);
        if (tableName.isEmpty() || dbName.isEmpty()) {
            throw new DataException("Routing of topic " + topic + " gave an empty name (database '" + dbName
                    + "', table '" + tableName + "'); check " + ClickHouseSinkConfig.TABLE_TEMPLATE);
        }
        return new TableId(dbName, tableName);
    }

    private static String expand(String template, String topic, String db, String table) {
        return template.replace("${topic}", topic).replace("${db}", db).replace("${table}", table);
    }

    private static String fieldValue(Object value, String name) {
        if (name.isEmpty() || value == null) {
            return null;
        }
        Object v = null;
        if (value instanceof Struct s) {
            Field f = s.schema().field(name);
            v = f == null ? null : s.getWithoutDefault(f.name());
        } else if (value instanceof Map<?, ?> m) {
            v = m.get(name);
        }
        return v == null || v.toString().isEmpty() ? null : v.toString();
    }
}
