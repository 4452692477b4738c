package io.streamingetl.clickhouse.flow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Whether the task may write: a gap longer than {@link #PAUSE_FENCE_MS} in its own timeline (no
 * call from Connect, nothing returning) means the worker may have been frozen past its group
 * session (the broker's lowest allowed session timeout is 6 s). On waking, Connect may commit,
 * finish a stale assignment or deliver records it fetched before the freeze, before its consumer
 * learns that the partitions were lost; whatever the task inserted then would be cut differently
 * from the new owner's buffers. So after a gap it writes nothing until Connect has polled once more
 * (a false alarm costs one redelivery). Checked right before each buffer's first write (its range
 * intent): a freeze after that point is covered by the intent, which the new owner reads.
 */
final class Liveness {
    static final long PAUSE_FENCE_MS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(Liveness.class);

    private final LongSupplier clock;
    private long lastAliveMs;
    /** A gap was seen: no write, no commit counted, until a put() after Connect polled again. */
    private boolean paused;
    /** While paused: the RetriableException that makes Connect poll again was thrown. */
    private boolean pollRequested;

    Liveness(LongSupplier clock) {
        this.clock = clock;
    }

    /** A call from Connect or a write that returned: pauses the task when it comes after a gap. */
    void called() {
        long now = clock.getAsLong();
        if (lastAliveMs != 0 && now - lastAliveMs > PAUSE_FENCE_MS) {
            log.warn("No call from Connect for {} ms (a frozen or paused worker?): writing nothing until its consumer "
                    + "has polled again", now - lastAliveMs);
            paused = true;
            pollRequested = false; // a poll before this gap does not count
        }
        lastAliveMs = now;
    }

    /** After a slow call: the time spent in it is no gap (a freeze during it cannot be told apart). */
    void returned() {
        lastAliveMs = clock.getAsLong();
    }

    boolean paused() {
        return paused;
    }

    /**
     * At the start of put(): once paused, the first put asks Connect to poll (a PausedException);
     * the next one comes after that poll, which reported any partition this task lost.
     */
    void requirePolledSincePause() {
        if (!paused) {
            return;
        }
        if (!pollRequested) {
            pollRequested = true;
            throw new PausedException("no call from Connect for a while (a frozen or paused worker?): taking this "
                    + "batch again after the consumer has polled, which reports partitions this task lost");
        }
        paused = false;
    }

    /** Before a write: throws a PausedException when the task is (or, after a gap, becomes) paused. */
    void requireAlive() {
        called();
        if (paused) {
            pollRequested = true;
            throw new PausedException("a pause inside put() (a frozen worker?): writing the rest after the consumer "
                    + "has polled again");
        }
    }
}
