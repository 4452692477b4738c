package io.streamingetl.clickhouse.client;

import com.clickhouse.client.api.Client;
import io.streamingetl.clickhouse.config.ConnectionSettings;

import java.time.temporal.ChronoUnit;

/** Builds the official client from the connection settings (http or https, user and password), one per endpoint. */
public final class ClickHouseClients {
    private ClickHouseClients() {
    }

    public static Client build(ConnectionSettings connection, String endpoint) {
        Client.Builder b = new Client.Builder()
                .addEndpoint(endpoint.trim())
                .setUsername(connection.user())
                .setPassword(connection.password().value())
                .setDefaultDatabase(connection.database())
                .setConnectTimeout(connection.connectTimeoutMs(), ChronoUnit.MILLIS)
                .setSocketTimeout(connection.socketTimeoutMs(), ChronoUnit.MILLIS)
                .compressClientRequest(connection.compress())
                .setMaxRetries(0) // retries are ours: classified, with backoff, and visible in metrics
                .setClientName(connection.clientName());
        if (!connection.sslRootCertificate().isBlank()) {
            b.setRootCertificate(connection.sslRootCertificate());
        }
        return b.build();
    }
}
