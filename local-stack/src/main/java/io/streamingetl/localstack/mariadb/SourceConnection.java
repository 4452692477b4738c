package io.streamingetl.localstack.mariadb;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the pipeline's source rows can be read over JDBC: the MariaDB we run, or a user's own server. */
public interface SourceConnection {
    Connection connect() throws SQLException;
}
