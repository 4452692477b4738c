package io.streamingetl.clickhouse.write;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.Version;
import io.streamingetl.clickhouse.config.ClickHouseSinkConfig;

import java.time.temporal.ChronoUnit;

/** Builds the official client from the config (http or https, user and password). */
public final class ClickHouseClients {
    private ClickHouseClients() {
    }

    public static Client build(ClickHouseSinkConfig config) {
        Client.Builder b = new Client.Builder()
                .addEndpoint(config.url().trim())
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
