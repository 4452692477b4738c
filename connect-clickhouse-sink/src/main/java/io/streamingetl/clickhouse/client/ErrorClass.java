package io.streamingetl.clickhouse.client;

/** What to do about a failed request. */
public enum ErrorClass {
    /** Network, timeouts, overload, a restarting server: retry with backoff, keep the buffer. */
    TRANSIENT,
    /** The table no longer matches the column plan: refresh the plan and re-encode. */
    SCHEMA,
    /** The server refused values in the rows (a constraint, an unknown enum value, unparsable JSON, ...): split the block to find them. */
    DATA,
    /** Anything else (bad credentials, missing database): stop with a clear error. */
    PERMANENT
}
