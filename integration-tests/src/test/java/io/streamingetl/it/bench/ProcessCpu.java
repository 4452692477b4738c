package io.streamingetl.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time of named processes (and their children) from /proc, sampled at the start and end of a run. */
final class ProcessCpu {
    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids = new LinkedHashMap<>();
    private final java.util.Set<String> withoutChildren = new java.util.HashSet<>();
    private final Map<String, Double> startSeconds = new LinkedHashMap<>();
    private long startNanos;

    /** A server: its own CPU and its children's (a launcher's child is the server). */
    ProcessCpu add(String name, long pid) {
        pids.put(name, pid);
        return this;
    }

    /** A process whose children are counted on their own (the bench JVM started the servers). */
    ProcessCpu addAlone(String name, long pid) {
        withoutChildren.add(name);
        return add(name, pid);
    }

    void start() {
        pids.forEach((name, pid) -> startSeconds.put(name, seconds(name, pid)));
        startNanos = System.nanoTime();
    }

    /** Per process: CPU seconds used since {@link #start()} and its share of the machine's cores. */
    String report() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder out = new StringBuilder(String.format("CPU over %.0f s on %d cores:%n", wall, cores));
        double total = 0;
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            double used = seconds(p.getKey(), p.getValue()) - startSeconds.get(p.getKey());
            total += used;
            out.append(String.format("  %-16s %7.1f s  %5.1f %% of the machine%n", p.getKey(), used, 100 * used / (wall * cores)));
        }
        out.append(String.format("  %-16s %7.1f s  %5.1f %% of the machine%n", "all of these", total, 100 * total / (wall * cores)));
        return out.toString();
    }

    /** utime + stime of the process and of its live descendants (a launcher script's child is the server). */
    private double seconds(String name, long pid) {
        double s = ownSeconds(pid);
        if (withoutChildren.contains(name)) {
            return s;
        }
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            s += handle.get().descendants().mapToDouble(d -> ownSeconds(d.pid())).sum();
        }
        return s;
    }

    private static double ownSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at state; utime and stime are 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
