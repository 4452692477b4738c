package io.streamingetl.localstack.junit;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AwaitEqualTest {
    @Test
    void returnsTheValueOnceEqualPollingThroughTransientExceptions() {
        AtomicInteger polls = new AtomicInteger();
        String rows = AwaitEqual.until("rows", Duration.ofSeconds(10), () -> "1\ta\n2\tb\n", () -> {
            int n = polls.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("UNKNOWN_TABLE");
            }
            return n < 4 ? "1\ta\n" : "1\ta\n2\tb\n";
        });
        assertEquals("1\ta\n2\tb\n", rows);
        assertEquals(4, polls.get());
    }

    @Test
    void aTimeoutShowsTheLastDifferenceRowByRowAndTheLastException() {
        AtomicInteger polls = new AtomicInteger();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> AwaitEqual.of("t: ClickHouse = MariaDB",
                Duration.ofMillis(300), () -> "1\ta\n2\tb\n3\tc\n", () -> {
                    if (polls.incrementAndGet() % 2 == 0) {
                        throw new IllegalStateException("connection refused");
                    }
                    return "1\ta\n2\tB\n3\tc\n4\td\n";
                }).diagnostics(() -> "connector state: RUNNING").await());
        String m = e.getMessage();
        assertTrue(m.startsWith("t: ClickHouse = MariaDB: not equal after "), m);
        assertTrue(m.contains("expected 3 rows, actual 4; 1 only in expected, 2 only in actual:\n"
                + "  - expected row 2: \"2\\tb\"\n"
                + "  + actual row 2:   \"2\\tB\"\n"
                + "  + actual row 4:   \"4\\td\""), m);
        assertTrue(m.contains("last exception (poll "), m);
        assertTrue(m.contains("java.lang.IllegalStateException: connection refused"), m);
        assertTrue(m.endsWith("connector state: RUNNING"), m);
        assertEquals("connection refused", e.getCause().getMessage());
        assertEquals("1\ta\n2\tb\n3\tc\n", e.getExpected().getValue(), "the IDE's diff shows the values");
    }

    @Test
    void mapsShowTheDifferingKeysAndTheirRows() {
        Map<Integer, String> expected = new TreeMap<>(Map.of(1, "a|1", 2, "b|2", 3, "c|3"));
        Map<Integer, String> actual = new TreeMap<>(Map.of(1, "a|1", 2, "b|9", 4, "d|4"));
        assertEquals("3 of 4 keys differ (expected 3 keys, actual 3):\n"
                + "  2: expected \"b|2\", actual \"b|9\"\n"
                + "  3: only in expected: \"c|3\"\n"
                + "  4: only in actual: \"d|4\"", AwaitEqual.difference(expected, actual));
        assertEquals("1 of 2 keys differ (expected 2 keys, actual 2):\n"
                + "  person: expected 2 rows, actual 1; 1 only in expected, 0 only in actual:\n"
                + "    - expected row 2: \"2\"",
                AwaitEqual.difference(Map.of("person", "1\n2\n", "geo", "1\n"), Map.of("person", "1\n", "geo", "1\n")));
        assertEquals("expected 2 rows, actual 2; the same rows in another order, first at row 1:\n"
                + "  - expected: [1, a]\n  + actual:   [2, b]",
                AwaitEqual.difference(List.of(List.of("1", "a"), List.of("2", "b")), List.of(List.of("2", "b"), List.of("1", "a"))));
        assertEquals("expected 4, actual 3", AwaitEqual.difference(4, 3));
    }

    @Test
    void anExceptionThatIsNotTransientFailsAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> AwaitEqual.of("x", Duration.ofMinutes(1),
                () -> 1, () -> {
                    polls.incrementAndGet();
                    throw new IllegalStateException("Code: 62. Syntax error");
                }).transientIf(t -> t.getMessage().contains("UNKNOWN_TABLE")).await());
        assertEquals(1, polls.get());
        assertTrue(e.getMessage().startsWith("x: poll 1 failed: java.lang.IllegalStateException: Code: 62. Syntax error"),
                e.getMessage());
    }

    @Test
    void aFailedAssertionInAProbeIsNotPolledThrough() {
        AssertionError failed = new AssertionError("the probe's own check");
        assertSame(failed, assertThrows(AssertionError.class, () -> AwaitEqual.until("x", Duration.ofMinutes(1),
                () -> 1, () -> {
                    throw failed;
                })));
    }
}
