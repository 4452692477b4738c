package io.streamingetl.clickhouse.config;

/**
 * Retries of ClickHouse requests, how long one call may block, and what a bad record does.
 *
 * @param maxBlockMs       the longest one put(), preCommit() or close() waits on ClickHouse
 * @param tolerate         errors.tolerance=all: bad records go to the dead letter queue (or are logged)
 * @param crashAfterInsert test.crash.after.insert: never set in production
 */
public record ErrorSettings(int retryMaxAttempts, long retryBackoffMs, long retryBackoffMaxMs, long maxBlockMs,
                            boolean tolerate, CrashMode crashAfterInsert) {
    /** TEST ONLY: where the task dies right after its first successful insert. */
    public enum CrashMode { NONE, TASK, JVM }
}
