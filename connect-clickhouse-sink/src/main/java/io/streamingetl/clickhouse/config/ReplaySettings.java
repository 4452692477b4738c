package io.streamingetl.clickhouse.config;

/**
 * Replay safety: deterministic insert tokens and the remembered ranges that let a replay cut the
 * same ranges again.
 *
 * @param stateTable the table, in the connection's database, remembering the last range per table and partition
 */
public record ReplaySettings(boolean enabled, String stateTable) {
}
