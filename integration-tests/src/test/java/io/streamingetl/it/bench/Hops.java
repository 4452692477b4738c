package io.streamingetl.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each probe change spent its time, hop by hop: commit (the load generator's clock) -> on the
 * topic (the record's Kafka timestamp) -> handed to the sink's put() -> its insert sent -> insert
 * done (the sink's timeline log) -> visible in ClickHouse (polled every 50 ms). All clocks are this
 * machine's.
 */
final class Hops {
    /** One probe: an update of row 0 whose marker the bench follows through the pipeline. */
    static final class Probe {
        final long marker;
        final long commitMs;
        volatile long topicMs = -1;
        volatile long offset = -1;
        volatile long visibleMs = -1;
        long putMs = -1;
        long sentMs = -1;
        long doneMs = -1;

        Probe(long marker, long commitMs) {
            this.marker = marker;
            this.commitMs = commitMs;
        }
    }

    private record Put(long first, long last, long at) {
    }

    private record Insert(long first, long last, int rows, long sent, long done) {
    }

    private static final Pattern PUT = Pattern.compile(" put (\\S+) (\\d+)\\.\\.(\\d+) at (\\d+)");
    private static final Pattern INSERT = Pattern.compile(
            " insert \\S+ (\\S+) (\\d+)\\.\\.(\\d+) rows (\\d+) sealed \\d+ sent (\\d+) done (\\d+)");

    private final List<Put> puts = new ArrayList<>();
    private final List<Insert> inserts = new ArrayList<>();

    /** Reads the sink's timeline lines for topic partition {@code tp} (e.g. soak.soak_db.changes-0) from the worker's log. */
    static Hops read(Path workerLog, String tp) throws IOException {
        Hops h = new Hops();
        for (String line : Files.readAllLines(workerLog, StandardCharsets.UTF_8)) {
            Matcher m = PUT.matcher(line);
            if (m.find() && m.group(1).equals(tp)) {
                h.puts.add(new Put(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
                continue;
            }
            m = INSERT.matcher(line);
            if (m.find() && m.group(1).equals(tp)) {
                h.inserts.add(new Insert(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))));
            }
        }
        return h;
    }

    private static final Pattern ANY_INSERT = Pattern.compile(
            " insert (\\S+) \\S+ \\d+\\.\\.\\d+ rows \\d+ sealed \\d+ sent (\\d+) done \\d+ task buffers (\\d+) bytes");

    /**
     * Inserts per table while loading (all tables, from the worker's log): how many tables, the
     * most and the mean inserts a minute per table, and the largest the task's buffers were.
     */
    static String perTable(Path workerLog, long fromMs, long toMs) throws IOException {
        java.util.Map<String, Integer> inserts = new java.util.HashMap<>();
        long maxBuffered = 0;
        for (String line : Files.readAllLines(workerLog, StandardCharsets.UTF_8)) {
            Matcher m = ANY_INSERT.matcher(line);
            if (m.find()) {
                long sent = Long.parseLong(m.group(2));
                maxBuffered = Math.max(maxBuffered, Long.parseLong(m.group(3)));
                if (sent >= fromMs && sent < toMs) {
                    inserts.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        double minutes = (toMs - fromMs) / 60_000.0;
        int most = inserts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        double mean = inserts.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        return String.format("inserts per table while loading: %d tables, at most %.0f a minute, %.1f on average;"
                + " the task's buffers held at most %d KB (buffer.max.bytes bounds them)%n",
                inserts.size(), most / minutes, mean / minutes, maxBuffered / 1024);
    }

    int insertsBetween(long fromMs, long toMs) {
        return (int) inserts.stream().filter(i -> i.sent >= fromMs && i.sent < toMs).count();
    }

    long rowsBetween(long fromMs, long toMs) {
        return inserts.stream().filter(i -> i.sent >= fromMs && i.sent < toMs).mapToLong(Insert::rows).sum();
    }

    /** The table of hop latencies over the probes that were seen end to end. */
    String report(List<Probe> probes) {
        List<Probe> complete = new ArrayList<>();
        for (Probe p : probes) {
            if (p.offset < 0 || p.visibleMs < 0) {
                continue;
            }
            // Redelivered batches log a second put: the first one is when the record arrived.
            puts.stream().filter(x -> x.first <= p.offset && p.offset <= x.last).findFirst().ifPresent(x -> p.putMs = x.at);
            inserts.stream().filter(x -> x.first <= p.offset && p.offset <= x.last).findFirst().ifPresent(x -> {
                p.sentMs = x.sent;
                p.doneMs = x.done;
            });
            if (p.putMs >= 0 && p.sentMs >= 0) {
                complete.add(p);
            }
        }
        StringBuilder out = new StringBuilder(String.format("hops of %d probe changes (ms)            p50     p99     max%n",
                complete.size()));
        row(out, "commit -> on the topic (Debezium)", complete, p -> p.topicMs - p.commitMs);
        row(out, "topic -> sink put() (consumer)", complete, p -> p.putMs - p.topicMs);
        row(out, "put() -> insert sent (buffer)", complete, p -> p.sentMs - p.putMs);
        row(out, "insert sent -> done (ClickHouse)", complete, p -> p.doneMs - p.sentMs);
        row(out, "done -> seen by a 50 ms poll", complete, p -> p.visibleMs - p.doneMs);
        row(out, "commit -> visible", complete, p -> p.visibleMs - p.commitMs);
        return out.toString();
    }

    private static void row(StringBuilder out, String hop, List<Probe> probes, ToLongFunction<Probe> ms) {
        List<Long> values = new ArrayList<>();
        probes.forEach(p -> values.add(ms.applyAsLong(p)));
        Collections.sort(values);
        out.append(String.format("  %-36s %7d %7d %7d%n", hop, pct(values, 0.50), pct(values, 0.99),
                values.isEmpty() ? -1 : values.get(values.size() - 1)));
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
    }
}
