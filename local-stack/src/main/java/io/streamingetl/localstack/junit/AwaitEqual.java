package io.streamingetl.localstack.junit;

import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tests' one "wait until equal": polls an expected and an actual value (e.g. rows read from
 * MariaDB and from ClickHouse) until they are equal, and on timeout fails with the last difference
 * it saw, compact (the first differing rows or keys), and the last exception a poll threw.
 *
 * <pre>
 * AwaitEqual.until("person: ClickHouse FINAL = MariaDB", Duration.ofSeconds(90),
 *         () -> mariaDbRows(), () -> clickHouseRows());
 * </pre>
 *
 * An exception from a poll is transient by default (the table does not exist yet, a server is
 * restarting): it is recorded, polling goes on, and a timeout reports it. {@link #transientIf}
 * narrows that: any other exception fails at once. An {@link Error} (a failed assertion) is never
 * caught.
 *
 * <p>Values are compared with {@link Object#equals}. The difference is shown row by row for
 * strings (one row a line, as TSV), lists (one row an element) and maps (one row a key, values
 * compared in turn), else as the two values.
 */
public final class AwaitEqual<T> {
    /** A value read for one poll; may throw (a query against a server). */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    private static final int SHOWN = 5;
    private static final int WIDTH = 300;

    private final String what;
    private final Duration timeout;
    private final Probe<? extends T> expected;
    private final Probe<? extends T> actual;
    private Predicate<Exception> isTransient = e -> true;
    private Supplier<String> diagnostics = () -> "";

    private AwaitEqual(String what, Duration timeout, Probe<? extends T> expected, Probe<? extends T> actual) {
        this.what = what;
        this.timeout = timeout;
        this.expected = expected;
        this.actual = actual;
    }

    public static <T> AwaitEqual<T> of(String what, Duration timeout, Probe<? extends T> expected,
                                       Probe<? extends T> actual) {
        return new AwaitEqual<>(what, timeout, expected, actual);
    }

    /** Waits until {@code expected} and {@code actual} give equal values; returns that value. */
    public static <T> T until(String what, Duration timeout, Probe<? extends T> expected, Probe<? extends T> actual) {
        return of(what, timeout, expected, actual).await();
    }

    /** Only exceptions that match are polled through; any other fails the wait at once. */
    public AwaitEqual<T> transientIf(Predicate<Exception> transientException) {
        this.isTransient = transientException;
        return this;
    }

    /** Appended to the failure, e.g. connector states or the tail of a server log. */
    public AwaitEqual<T> diagnostics(Supplier<String> moreOnFailure) {
        this.diagnostics = moreOnFailure;
        return this;
    }

    /** Polls until equal; returns the (actual) equal value, or fails with the last difference. */
    public T await() {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = 20;
        int polls = 0;
        int failedPolls = 0;
        String lastDifference = null;
        int lastDifferencePoll = 0;
        Object lastExpected = null;
        Object lastActual = null;
        Exception lastException = null;
        int lastExceptionPoll = 0;
        while (true) {
            polls++;
            try {
                T e = expected.get();
                T a = actual.get();
                if (Objects.equals(e, a)) {
                    return a;
                }
                lastExpected = e;
                lastActual = a;
                lastDifference = difference(e, a);
                lastDifferencePoll = polls;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError(what + ": interrupted while waiting", e);
            } catch (Exception e) {
                failedPolls++;
                lastException = e;
                lastExceptionPoll = polls;
                if (!isTransient.test(e)) {
                    throw new AssertionFailedError(what + ": poll " + polls + " failed: " + e
                            + (lastDifference == null ? "" : "\nlast difference (poll " + lastDifferencePoll + "): "
                            + lastDifference), e);
                }
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionFailedError(what + ": interrupted while waiting", e);
            }
            pause = Math.min(pause * 2, 250);
        }
        StringBuilder message = new StringBuilder(what).append(": not equal after ")
                .append(String.format("%.1f s", (System.nanoTime() - start) / 1e9)).append(" (").append(polls)
                .append(" polls");
        if (failedPolls > 0) {
            message.append(", ").append(failedPolls).append(" of them threw");
        }
        message.append(")\n");
        if (lastDifference == null) {
            message.append("no poll got both values to compare\n");
        } else {
            message.append("last difference (poll ").append(lastDifferencePoll).append("): ").append(lastDifference)
                    .append('\n');
        }
        if (lastException != null) {
            message.append("last exception (poll ").append(lastExceptionPoll).append("): ")
                    .append(firstLines(String.valueOf(lastException), 5)).append('\n');
        }
        String more = diagnostics.get();
        if (more != null && !more.isBlank()) {
            message.append(more.strip()).append('\n');
        }
        throw lastDifference == null
                ? new AssertionFailedError(message.toString().stripTrailing(), lastException)
                : new AssertionFailedError(message.toString().stripTrailing(), lastExpected, lastActual, lastException);
    }

    /** A compact description of how {@code actual} differs from {@code expected}. */
    static String difference(Object expected, Object actual) {
        return difference(expected, actual, "  ");
    }

    private static String difference(Object expected, Object actual, String indent) {
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            return mapDifference(e, a, indent);
        }
        List<?> e = rows(expected);
        List<?> a = rows(actual);
        if (e != null && a != null) {
            return rowDifference(e, a, indent);
        }
        return "expected " + show(expected) + ", actual " + show(actual);
    }

    private static String mapDifference(Map<?, ?> expected, Map<?, ?> actual, String indent) {
        // In the maps' order: a sorted map's, else the expected's keys then the actual's others.
        @SuppressWarnings("unchecked")
        Set<Object> keys = expected instanceof SortedMap<?, ?> sorted
                ? new TreeSet<>((Comparator<Object>) sorted.comparator()) : new LinkedHashSet<>();
        keys.addAll(expected.keySet());
        keys.addAll(actual.keySet());
        List<String> lines = new ArrayList<>();
        int differing = 0;
        for (Object key : keys) {
            Object e = expected.get(key);
            Object a = actual.get(key);
            if (Objects.equals(e, a) && expected.containsKey(key) == actual.containsKey(key)) {
                continue;
            }
            if (differing++ >= SHOWN) {
                continue;
            }
            if (!expected.containsKey(key)) {
                lines.add(indent + key + ": only in actual: " + show(a));
            } else if (!actual.containsKey(key)) {
                lines.add(indent + key + ": only in expected: " + show(e));
            } else if (((hasRows(e) || hasRows(a)) && rows(e) != null && rows(a) != null)
                    || (e instanceof Map && a instanceof Map)) {
                lines.add(indent + key + ": " + difference(e, a, indent + "  "));
            } else {
                lines.add(indent + key + ": expected " + show(e) + ", actual " + show(a));
            }
        }
        return differing + " of " + keys.size() + " keys differ (expected " + expected.size() + " keys, actual "
                + actual.size() + ")" + (differing > SHOWN ? ", the first " + SHOWN : "") + ":\n"
                + String.join("\n", lines);
    }

    private static String rowDifference(List<?> expected, List<?> actual, String indent) {
        Map<Object, Integer> unmatched = new HashMap<>();
        for (Object row : actual) {
            unmatched.merge(row, 1, Integer::sum);
        }
        List<String> missing = new ArrayList<>();
        int missingCount = 0;
        for (int i = 0; i < expected.size(); i++) {
            Object row = expected.get(i);
            if (unmatched.getOrDefault(row, 0) > 0) {
                unmatched.merge(row, -1, Integer::sum);
            } else if (missingCount++ < SHOWN) {
                missing.add(indent + "- expected row " + (i + 1) + ": " + show(row));
            }
        }
        List<String> extra = new ArrayList<>();
        int extraCount = 0;
        for (int i = 0; i < actual.size(); i++) {
            Object row = actual.get(i);
            if (unmatched.getOrDefault(row, 0) > 0) {
                unmatched.merge(row, -1, Integer::sum);
                if (extraCount++ < SHOWN) {
                    extra.add(indent + "+ actual row " + (i + 1) + ":   " + show(row));
                }
            }
        }
        StringBuilder sb = new StringBuilder("expected " + expected.size() + " rows, actual " + actual.size());
        if (missingCount == 0 && extraCount == 0) {
            int i = 0;
            while (i < expected.size() && Objects.equals(expected.get(i), actual.get(i))) {
                i++;
            }
            if (i == expected.size()) {
                return sb.append(", row for row the same; the values differ in type").toString();
            }
            return sb.append("; the same rows in another order, first at row ").append(i + 1).append(":\n")
                    .append(indent).append("- expected: ").append(show(expected.get(i))).append('\n')
                    .append(indent).append("+ actual:   ").append(show(actual.get(i))).toString();
        }
        sb.append("; ").append(missingCount).append(" only in expected, ").append(extraCount).append(" only in actual");
        if (missingCount > SHOWN || extraCount > SHOWN) {
            sb.append(" (the first ").append(SHOWN).append(" of each)");
        }
        sb.append(":");
        missing.forEach(l -> sb.append('\n').append(l));
        extra.forEach(l -> sb.append('\n').append(l));
        return sb.toString();
    }

    /** The rows of a value that has rows: a string's lines, a collection's elements; else null. */
    private static List<?> rows(Object value) {
        if (value instanceof String s) {
            List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
            if (lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1); // a newline ends the last row
            }
            return lines;
        }
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        return null;
    }

    /** Worth a row-by-row difference: several lines, or a collection. */
    private static boolean hasRows(Object value) {
        return value instanceof String s ? s.strip().contains("\n") : value instanceof Collection<?>;
    }

    private static String show(Object value) {
        String s = value instanceof String str ? '"' + str.replace("\t", "\\t").replace("\n", "\\n") + '"'
                : String.valueOf(value);
        return s.length() > WIDTH ? s.substring(0, WIDTH) + "... (" + s.length() + " chars)" : s;
    }

    private static String firstLines(String text, int lines) {
        List<String> all = text.lines().toList();
        return all.size() <= lines ? text : String.join("\n", all.subList(0, lines)) + "\n...";
    }
}
