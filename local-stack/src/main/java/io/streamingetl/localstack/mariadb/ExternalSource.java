package io.streamingetl.localstack.mariadb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * A user's own MySQL or MariaDB, captured as it is: the pipeline starts nothing there and creates
 * nothing in it. {@code user} is the account Debezium connects as (the preflight checks its grants).
 */
public record ExternalSource(String host, int port, String user, String password, List<String> databases)
        implements SourceConnection {

    public ExternalSource {
        databases = List.copyOf(databases);
    }

    @Override
    public Connection connect() throws SQLException {
        // MariaDB's driver speaks to MySQL servers too; the source connector brings its own.
        return DriverManager.getConnection("jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=5000",
                user, password);
    }

    public String address() {
        return host + ":" + port;
    }
}
