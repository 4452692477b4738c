package io.streamingetl.localstack.clickhouse;

/** Somewhere SQL can be sent and its TabSeparated answer read: a server we run, or a user's own. */
public interface ClickHouseQueries {
    String query(String sql);

    /** The HTTP URL the sink writes to. */
    String httpUrl();
}
