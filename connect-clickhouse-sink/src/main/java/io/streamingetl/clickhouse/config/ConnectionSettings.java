package io.streamingetl.clickhouse.config;

import org.apache.kafka.common.config.types.Password;

/**
 * How to reach ClickHouse: what every client of the sink is built from. The password stays a
 * {@link Password}, whose toString hides it, so logging these settings never shows it.
 *
 * @param clientName sent as the HTTP client name, so the server's query log names the sink and its version
 */
public record ConnectionSettings(String user, Password password, String database, String sslRootCertificate,
                                 int connectTimeoutMs, int socketTimeoutMs, boolean compress, String clientName) {

    /** The same settings with another default database (validate's check connects to {@code system}). */
    public ConnectionSettings withDatabase(String other) {
        return new ConnectionSettings(user, password, other, sslRootCertificate, connectTimeoutMs, socketTimeoutMs,
                compress, clientName);
    }
}
