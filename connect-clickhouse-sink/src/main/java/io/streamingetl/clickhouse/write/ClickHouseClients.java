package io.streamingetl.clickhouse.write;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.Version;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;

import java.time.temporal.ChronoUnit;

/** Builds the official client from the config (http or https, user and password), one per endpoint. */
public final class ClickHouseClients {
    private ClickHouseClients() {
    }

    /** A client of the first server: clickhouse.url, or the first replica of the first shard. */
    public static Client build(ClickHouseSinkConfig config) {
        return build(config, config.shards().get(0).get(0));
    }

    public static Client build(ClickHouseSinkConfig config, String endpoint) {
        Client.Builder b = new Client.Builder()
                .addEndpoint(endpoint.trim())
                .setUsername(config.user())
                .setPassword(config.password().value())
                .setDefaultDatabase(config.database())
                .setConnectTimeout(config.getInt(ClickHouseSinkConfig.CONNECT_TIMEOUT_MS), ChronoUnit.MILLIS)
                .setSocketTimeout(config.getInt(ClickHouseSinkConfig.SOCKET_TIMEOUT_MS), ChronoUnit.MILLIS)
                .compressClientRequest(config.getBoolean(ClickHouseSinkConfig.COMPRESS))
                .setMaxRetries(0) // retries are ours: classified, with backoff, and visible in metrics
                .setClientName("streamingetl-clickhouse-sink/" + Version.get());
        String cert = config.getString(ClickHouseSinkConfig.SSL_ROOT_CERT);
        if (cert != null && !cert.isBlank()) {
            b.setRootCertificate(cert.trim());
        }
        return b.build();
    }
}
