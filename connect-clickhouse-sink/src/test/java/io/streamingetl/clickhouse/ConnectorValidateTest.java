package io.streamingetl.clickhouse;

import io.streamingetl.clickhouse.ddl.DdlBuilder;
import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.clickhouse.ddl.DdlBuilder.ColumnDef;
import io.streamingetl.clickhouse.ddl.DdlBuilder.TableSpec;
import io.streamingetl.clickhouse.sql.TableId;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connector.validate() per-field errors against a real ClickHouse, the ServiceLoader entry and DDL text. */
class ConnectorValidateTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    static Map<String, List<String>> errors(Map<String, String> props) {
        Config c = new ClickHouseSinkConnector().validate(props);
        return c.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    static Map<String, String> base(String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "validate");
        p.put("connector.class", ClickHouseSinkConnector.class.getName());
        p.put("topics", "t");
        p.put("clickhouse.url", stack.clickHouse().httpUrl());
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void validConfigHasNoErrors() {
        assertEquals(Map.of(), errors(base()));
    }

    /** Options that would break exactly-once or the consumer's liveness are field errors naming them. */
    @Test
    void blockingPastThePollIntervalAndADedupWindowOfZeroAreRefused() {
        List<String> block = errors(base("max.block.ms", "300000")).get("max.block.ms");
        assertTrue(block != null && block.get(0).contains("max.poll.interval.ms"), String.valueOf(block));
        List<String> overridden = errors(base("max.block.ms", "30000",
                "consumer.override.max.poll.interval.ms", "20000")).get("max.block.ms");
        assertTrue(overridden != null && overridden.get(0).contains("20000"), String.valueOf(overridden));
        assertEquals(Map.of(), errors(base("max.block.ms", "30000")));
        List<String> window = errors(base("table.dedup.window", "0")).get("table.dedup.window");
        assertTrue(window != null && window.get(0).contains("dedup.enabled"), String.valueOf(window));
        assertEquals(Map.of(), errors(base("table.dedup.window", "0", "dedup.enabled", "false")));
    }

    /** Replicas of plain MergeTree tables would each hold part of a shard's rows and replay state. */
    @Test
    void replicasWithoutReplicatedTablesAreRefused() {
        String url = stack.clickHouse().httpUrl();
        List<String> shards = errors(base("cluster", "c", "cluster.replicated", "false", "cluster.ddl", "PER_NODE",
                "cluster.shards", url + "|" + url + "," + url)).get("cluster.shards");
        assertTrue(shards != null && shards.get(0).contains("cluster.replicated=true"), String.valueOf(shards));
    }

    @Test
    void badUrlUnreachableServerUnknownDatabaseAndConflicts() {
        assertTrue(errors(base("clickhouse.url", "ftp://host:21")).get("clickhouse.url").get(0).contains("http"));
        List<String> unreachable = errors(base("clickhouse.url", "http://127.0.0.1:1")).get("clickhouse.url");
        assertTrue(unreachable.get(0).contains("cannot reach ClickHouse"), unreachable.toString());
        Map<String, List<String>> dbErrors = errors(base("clickhouse.database", "no_such_db"));
        assertTrue(dbErrors.getOrDefault("clickhouse.database", List.of("")).get(0).contains("no_such_db"),
                dbErrors.toString());
        assertTrue(errors(base("cdc.deleted.field", "_version")).containsKey("cdc.deleted.field"));
        assertTrue(errors(base("table.name.template", "${schema}")).containsKey("table.name.template"));
        assertTrue(errors(base("topic.table.map", "nocolon")).containsKey("topic.table.map"));
        assertTrue(errors(base("buffer.max.rows", "0")).containsKey("buffer.max.rows"));
    }

    @Test
    void passwordIsAPasswordAndRegisteredForServiceLoader() {
        assertEquals(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD,
                new ClickHouseSinkConnector().config().configKeys().get("clickhouse.password").type);
        boolean found = ServiceLoader.load(SinkConnector.class).stream()
                .anyMatch(p -> p.type() == ClickHouseSinkConnector.class);
        assertTrue(found);
        assertTrue(new ClickHouseSinkConnector().version().matches("\\d+\\.\\d+\\.\\d+.*"));
    }

    @Test
    void clusterDdlUsesOnClusterAndReplicatedEngines() {
        TableSpec spec = new TableSpec(List.of(new ColumnDef("id", "Int64"), new ColumnDef("we`ird", "String"),
                new ColumnDef("_version", "UInt64"), new ColumnDef("_deleted", "UInt8")), List.of("id"),
                "toYYYYMM(now())", "_version", "_deleted", 1000);
        TableId id = new TableId("shop", "person");
        assertEquals("CREATE TABLE IF NOT EXISTS `shop`.`person` ON CLUSTER `main` (`id` Int64, `we\\`ird` String, "
                        + "`_version` UInt64, `_deleted` UInt8) ENGINE = ReplicatedReplacingMergeTree("
                        + "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}', `_version`, `_deleted`) "
                        + "PARTITION BY toYYYYMM(now()) ORDER BY `id`",
                new DdlBuilder("main").createTable(id, spec));
        assertEquals("CREATE TABLE IF NOT EXISTS `shop`.`person` (`id` Int64) ENGINE = MergeTree() ORDER BY tuple() "
                        + "SETTINGS non_replicated_deduplication_window = 1000",
                new DdlBuilder("").createTable(id, new TableSpec(List.of(new ColumnDef("id", "Int64")), List.of(), "",
                        null, null, 1000)));
        assertEquals("ALTER TABLE `shop`.`person` ON CLUSTER `main` ADD COLUMN IF NOT EXISTS `x` Nullable(String)",
                new DdlBuilder("main").addColumn(id, "x", "Nullable(String)"));
        // Replicated DDL cannot run here (no Keeper): the real server's parser checks every statement.
        DdlBuilder replicated = new DdlBuilder("main");
        TableId local = new TableId("shop", "person_local");
        for (String sql : List.of(replicated.createTable(local, spec), replicated.createDatabase("shop"),
                replicated.createDistributed(id, local, List.of("id", "we`ird")),
                replicated.addColumn(local, "x", "Nullable(String)"), replicated.modifyColumn(id, "x", "Nullable(Int64)"),
                replicated.createRangeTable(new TableId("shop", "_ranges")))) {
            String formatted = stack.clickHouse().query("SELECT formatQuerySingleLine(" + Sql.literal(sql) + ")").trim();
            assertTrue(formatted.contains("ON CLUSTER main"), sql + " -> " + formatted);
        }
        assertTrue(stack.clickHouse().query("SELECT formatQuerySingleLine(" + Sql.literal(
                replicated.createDistributed(id, local, List.of("id"))) + ")")
                .contains("ENGINE = Distributed(\\'main\\', \\'shop\\', \\'person_local\\', cityHash64(id))"));
        // The single-node variants actually run on the real server.
        stack.clickHouse().query(new DdlBuilder("").createDatabase("shop"));
        stack.clickHouse().query(new DdlBuilder("").createTable(id, new TableSpec(spec.columns(), List.of("id"), "",
                "_version", "_deleted", 1000)));
        assertTrue(stack.clickHouse().query("SELECT engine FROM system.tables WHERE database = 'shop'")
                .contains("ReplacingMergeTree"));
    }
}
