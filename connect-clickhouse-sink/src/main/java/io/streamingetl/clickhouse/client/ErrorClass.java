package io.streamingetl.clickhouse.client;

/** What to do about a failed request. */
public enum ErrorClass {
    /** Network, timeouts, overload, a restarting server: retry with backoff, keep the buffer. */
    TRANSIENT,
    /** The table no longer matches the column plan: refresh the plan and re-encode. */
    SCHEMA,
    /** The server refused values in the rows (a constraint, an unknown enum value, unparsable JSON, ...): split the block to find them. */
    DATA,
    /**
     * Another task claimed the range this one was about to insert: the partition moved while this
     * task was frozen or cut off from its group. Re-read the claims, insert nothing of the range.
     */
    FENCED,
    /** Anything else (bad credentials, missing database): stop with a clear error. */
    PERMANENT
}
