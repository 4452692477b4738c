package io.streamingetl.clickhouse.ddl;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * The ClickHouse releases this sink writes to: {@link #MINIMUM} and later. The features it relies
 * on (insert deduplication tokens, RowBinaryWithNamesAndTypes and RowBinaryWithDefaults,
 * non_replicated_deduplication_window) are all older than 24.8, the oldest LTS release ClickHouse
 * still listed when this was written; the tests run {@link #TESTED} only.
 */
public record ServerVersion(int major, int minor, String text) {

    public static final ServerVersion MINIMUM = new ServerVersion(24, 8, "24.8");
    public static final String TESTED = "26.7";

    /** {@code version()}'s answer, e.g. {@code 26.7.2.1}. */
    public static ServerVersion parse(String text) {
        String[] parts = text.trim().split("[.-]");
        try {
            return new ServerVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0, text.trim());
        } catch (NumberFormatException e) {
            throw new ConnectException("cannot read ClickHouse's version '" + text + "'", e);
        }
    }

    public boolean supported() {
        return major > MINIMUM.major || (major == MINIMUM.major && minor >= MINIMUM.minor);
    }

    /** Why the server is refused, or null when it is supported. */
    public String problem(String where) {
        return supported() ? null : "ClickHouse " + text + " at " + where + " is older than " + MINIMUM.text
                + ", the oldest release this sink supports (its tests run " + TESTED + "); upgrade the server";
    }
}
