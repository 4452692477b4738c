package io.streamingetl.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.GenericRecord;
import io.streamingetl.clickhouse.client.ClickHouseClients;
import io.streamingetl.clickhouse.client.ClickHouseErrors;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;
import io.streamingetl.clickhouse.config.ConnectionSettings;
import io.streamingetl.clickhouse.ddl.ServerVersion;
import org.apache.kafka.common.config.ConfigValue;

import java.util.List;
import java.util.Map;

/** validate()'s live checks, on every server (each replica of each shard): reachable, credentials accepted, database present. */
public final class ConnectionCheck {
    private ConnectionCheck() {
    }

    public static void run(Map<String, String> props, Map<String, ConfigValue> values) {
        ClickHouseSinkConfig config;
        try {
            config = new ClickHouseSinkConfig(props);
        } catch (RuntimeException e) {
            return; // field errors are already reported per option
        }
        // The check's client uses database system (always there), so a missing target database is
        // reported on its own option rather than as an unreachable server.
        ConnectionSettings checkConnection = config.connection().withDatabase("system");
        String addressOption = config.cluster().sharded() ? ClickHouseSinkConfig.CLUSTER_SHARDS : ClickHouseSinkConfig.URL;
        for (List<String> shard : config.cluster().shards()) {
            for (String url : shard) {
                if (!check(config.connection(), checkConnection, url, addressOption, values)) {
                    return; // one message per kind is enough; credentials are the same everywhere
                }
            }
        }
    }

    /** Returns false after reporting a problem. */
    private static boolean check(ConnectionSettings config, ConnectionSettings checkConnection, String url,
                                 String addressOption, Map<String, ConfigValue> values) {
        try (Client client = ClickHouseClients.build(checkConnection, url)) {
            List<GenericRecord> rows;
            try {
                rows = client.queryAll("SELECT count() AS n, version() AS version FROM system.databases"
                        + " WHERE name = {db:String}", Map.of("db", config.database()));
            } catch (Exception e) {
                Throwable cause = ClickHouseErrors.unwrap(e);
                int code = ClickHouseErrors.code(cause);
                if (code == 516 || code == 192 || code == 193 || code == 194) {
                    add(values, ClickHouseSinkConfig.PASSWORD, "ClickHouse rejected user '" + config.user()
                            + "' (code " + code + "): check " + ClickHouseSinkConfig.USER + " and "
                            + ClickHouseSinkConfig.PASSWORD);
                    add(values, ClickHouseSinkConfig.USER, "authentication failed for user '" + config.user() + "'");
                } else {
                    add(values, addressOption, "cannot reach ClickHouse at " + url + ": "
                            + cause.getClass().getSimpleName() + ": " + cause.getMessage() + rootCause(cause));
                }
                return false;
            }
            String tooOld = ServerVersion.parse(rows.get(0).getString("version")).problem(url);
            if (tooOld != null) {
                add(values, addressOption, tooOld);
                return false;
            }
            if (rows.get(0).getLong("n") == 0) {
                add(values, ClickHouseSinkConfig.DATABASE, "database '" + config.database() + "' does not exist on " + url);
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            add(values, addressOption, "cannot use ClickHouse at " + url + ": " + e.getMessage());
            return false;
        }
    }

    static void add(Map<String, ConfigValue> values, String name, String message) {
        ConfigValue v = values.computeIfAbsent(name, ConfigValue::new);
        v.addErrorMessage(message);
    }

    /** The client wraps TLS and socket errors ("Failed to get query response"); the root says what failed. */
    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
