package io.streamingetl.clickhouse.config;

import java.util.Map;

/**
 * From a record to its table: the explicit topic map first, then the templates over the record's
 * routing fields (written by the enrich SMT) or the topic's segments.
 *
 * @param topicTableMap topic to "table" or "db.table", in the order given
 * @param dbField       record field naming the source database; empty: topic only
 * @param tableField    record field naming the source table; empty: topic only
 */
public record RoutingSettings(String defaultDatabase, String tableTemplate, String databaseTemplate,
                              Map<String, String> topicTableMap, String dbField, String tableField) {
    public RoutingSettings {
        topicTableMap = Map.copyOf(topicTableMap);
    }
}
