package io.streamingetl.clickhouse.flow;

import java.util.function.LongSupplier;

/**
 * What every part of one task's flow shares: the connector's name (in insert tokens), whether
 * buffers keep their records for the DLQ, the two sides the flow talks to, the flush policy, the
 * byte budget of all buffers, and the clock (epoch milliseconds; a test's own makes runs replayable).
 */
record FlowContext(String connector, boolean keepRecords, Destination destination, Upstream upstream,
                   FlushPolicy policy, BufferBudget budget, LongSupplier clock) {
    long nowMs() {
        return clock.getAsLong();
    }
}
