package io.streamingetl.localstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; never a fixed sleep. */
public final class Wait {
    private Wait() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /** @param diagnostics appended to the timeout message, e.g. the tail of a log */
    public static void until(String what, Duration timeout, BooleanSupplier condition,
                             java.util.function.Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 20;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for "
                        + what + diagnostics.get());
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
            pause = Math.min(pause * 2, 250);
        }
    }
}
