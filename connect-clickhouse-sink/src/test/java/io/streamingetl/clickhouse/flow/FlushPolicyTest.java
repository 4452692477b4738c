package io.streamingetl.clickhouse.flow;

import io.streamingetl.clickhouse.buffer.TableBuffer;
import io.streamingetl.clickhouse.cluster.Target;
import io.streamingetl.clickhouse.sql.TableId;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adaptive flushing: at once when the table's last insert is long enough ago, else at the interval; never later than the age bound. */
class FlushPolicyTest {
    private static TableBuffer bufferCreatedAt(long ms, int rows) {
        TableBuffer b = new TableBuffer("c", new Target(new TableId("db", "t"), 0), new TopicPartition("t", 0), null, ms, false);
        for (int i = 0; i < rows; i++) {
            b.beginRow();
            b.rowAdded(i, null);
        }
        return b;
    }

    @Test
    void aLoneChangeGoesInAtOnceAndLoadIsSpacedByTheMinimumInterval() {
        FlushPolicy adaptive = new FlushPolicy(1000, 5_000, 250);
        TableBuffer b = bufferCreatedAt(10_000, 1);
        assertTrue(adaptive.due(b, FlushPolicy.NEVER, 10_000), "first insert of the table: at once");
        assertTrue(adaptive.due(b, 9_000, 10_000), "previous insert 1 s ago: at once");
        assertFalse(adaptive.due(b, 9_900, 10_000), "previous insert 100 ms ago: wait");
        assertEquals(10_150, adaptive.dueAtMs(b, 9_900), "due 250 ms after the previous insert");
        assertTrue(adaptive.due(b, 9_900, 10_150));
        assertTrue(adaptive.due(bufferCreatedAt(10_000, 1000), 9_999, 10_000), "full: at once");
    }

    @Test
    void offLeavesTheSizeAndAgeBounds() {
        FlushPolicy interval = new FlushPolicy(1000, 1_000, -1);
        TableBuffer b = bufferCreatedAt(10_000, 1);
        assertFalse(interval.due(b, FlushPolicy.NEVER, 10_500));
        assertEquals(11_000, interval.dueAtMs(b, FlushPolicy.NEVER));
        assertTrue(interval.due(b, FlushPolicy.NEVER, 11_000));
        // The age bound also caps the adaptive wait when it is the shorter one.
        assertEquals(10_100, new FlushPolicy(1000, 100, 250).dueAtMs(b, 9_990));
    }
}
