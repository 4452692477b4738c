package io.streamingetl.clickhouse;

import io.streamingetl.clickhouse.config.Version;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.ConnectionCheck;
import io.streamingetl.clickhouse.sink.ClickHouseSinkTask;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kafka Connect sink writing records into ClickHouse. See README.md for every option. */
public class ClickHouseSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new ClickHouseSinkConfig(props); // fail fast on a bad config
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ClickHouseSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> p = new HashMap<>(props);
            p.put(ClickHouseSinkTask.TASK_ID, Integer.toString(i));
            out.add(p);
        }
        return out;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return ClickHouseSinkConfig.CONFIG_DEF;
    }

    /** Adds live checks (reachable server, credentials, database) and option conflicts to the field errors. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        for (ConfigValue v : config.configValues()) {
            byName.put(v.name(), v);
        }
        boolean fieldErrors = byName.values().stream().anyMatch(v -> !v.errorMessages().isEmpty());
        String version = connectorConfigs.getOrDefault(ClickHouseSinkConfig.VERSION_FIELD, "_version");
        String deleted = connectorConfigs.getOrDefault(ClickHouseSinkConfig.DELETED_FIELD, "_deleted");
        if (!version.isEmpty() && version.equals(deleted)) {
            addError(byName, ClickHouseSinkConfig.DELETED_FIELD, "must differ from " + ClickHouseSinkConfig.VERSION_FIELD);
            fieldErrors = true;
        }
        String cluster = connectorConfigs.getOrDefault(ClickHouseSinkConfig.CLUSTER, "");
        String partitionBy = connectorConfigs.getOrDefault(ClickHouseSinkConfig.PARTITION_BY, "");
        if (partitionBy.contains(";")) {
            addError(byName, ClickHouseSinkConfig.PARTITION_BY, "must be one expression (no ';')");
            fieldErrors = true;
        }
        if (!cluster.isBlank() && "false".equalsIgnoreCase(connectorConfigs.getOrDefault(ClickHouseSinkConfig.AUTO_CREATE, "true"))
                && "none".equalsIgnoreCase(connectorConfigs.getOrDefault(ClickHouseSinkConfig.EVOLUTION, "add_columns"))) {
            addError(byName, ClickHouseSinkConfig.CLUSTER, "has no effect when auto.create=false and schema.evolution=none");
            fieldErrors = true;
        }
        if (!"false".equalsIgnoreCase(connectorConfigs.getOrDefault(ClickHouseSinkConfig.DEDUP_ENABLED, "true"))
                && "0".equals(connectorConfigs.getOrDefault(ClickHouseSinkConfig.DEDUP_WINDOW, "10000").trim())
                && !(replicatedTables(connectorConfigs))) {
            addError(byName, ClickHouseSinkConfig.DEDUP_WINDOW, "0 makes the tables the sink creates keep repeated "
                    + "inserts, which dedup.enabled=true relies on dropping; keep it above 0 or set dedup.enabled=false");
            fieldErrors = true;
        }
        String url = connectorConfigs.getOrDefault(ClickHouseSinkConfig.URL, "");
        String shards = connectorConfigs.getOrDefault(ClickHouseSinkConfig.CLUSTER_SHARDS, "");
        String clusterProblem = ClickHouseSinkConfig.clusterProblem(url,
                shards.isBlank() ? List.of() : List.of(shards.split(",")), cluster,
                !"false".equalsIgnoreCase(connectorConfigs.getOrDefault(ClickHouseSinkConfig.CLUSTER_REPLICATED, "true").trim()));
        if (clusterProblem != null) {
            String option = clusterProblem.substring(0, clusterProblem.indexOf(':'));
            addError(byName, option, clusterProblem.substring(option.length() + 2));
            fieldErrors = true;
        }
        long pollInterval = longOr(connectorConfigs.get("consumer.override.max.poll.interval.ms"), 300_000L);
        long maxBlock = longOr(connectorConfigs.get(ClickHouseSinkConfig.MAX_BLOCK_MS), 60_000L);
        if (maxBlock >= pollInterval) {
            addError(byName, ClickHouseSinkConfig.MAX_BLOCK_MS, "must stay below the consumer's max.poll.interval.ms ("
                    + pollInterval + "), or one slow insert makes the consumer group rebalance");
            fieldErrors = true;
        }
        if (!fieldErrors) {
            ConnectionCheck.run(connectorConfigs, byName);
        }
        return new Config(new ArrayList<>(byName.values()));
    }

    /** Whether created tables are Replicated*, which deduplicate through Keeper whatever the window. */
    private static boolean replicatedTables(Map<String, String> props) {
        return !props.getOrDefault(ClickHouseSinkConfig.CLUSTER, "").isBlank()
                && !"false".equalsIgnoreCase(props.getOrDefault(ClickHouseSinkConfig.CLUSTER_REPLICATED, "true").trim());
    }

    private static long longOr(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback; // the field's own validator reports it
        }
    }

    private static void addError(Map<String, ConfigValue> byName, String name, String message) {
        byName.computeIfAbsent(name, ConfigValue::new).addErrorMessage(message);
    }
}
