package io.streamingetl.clickhouse.flow;

import org.apache.kafka.connect.errors.RetriableException;

/**
 * The task saw a gap in its own timeline (a frozen worker?) and asks Connect to poll before it
 * inserts again: the poll reports partitions that were lost meanwhile. Nothing is wrong with
 * ClickHouse, so Connect should call again soon.
 */
public final class PausedException extends RetriableException {
    private static final long serialVersionUID = 1L;

    public PausedException(String message) {
        super(message);
    }
}
