package io.streamingetl.it.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JFR recording of the Connect worker over the measured window, started and dumped with jcmd
 * (no restart): GC pauses always, hot methods with {@code --profile} (JFR's "profile" settings).
 */
final class WorkerRecording {
    private final long pid;
    private final Path file;
    private final boolean profile;

    WorkerRecording(long pid, Path file, boolean profile) {
        this.pid = pid;
        this.file = file;
        this.profile = profile;
    }

    void start() throws IOException, InterruptedException {
        jcmd("JFR.start", "name=soak", "settings=" + (profile ? "profile" : "default"));
    }

    /** Dumps the recording and summarises it: GC pause total and maximum, and with --profile the hottest methods. */
    String stopAndReport() throws IOException, InterruptedException {
        jcmd("JFR.dump", "name=soak", "filename=" + file);
        jcmd("JFR.stop", "name=soak");
        Duration pauses = Duration.ZERO;
        Duration longest = Duration.ZERO;
        int collections = 0;
        Map<String, Integer> topFrames = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            switch (e.getEventType().getName()) {
                case "jdk.GarbageCollection" -> {
                    collections++;
                    pauses = pauses.plus(e.getDuration("sumOfPauses"));
                    Duration l = e.getDuration("longestPause");
                    longest = l.compareTo(longest) > 0 ? l : longest;
                }
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace stack = e.getStackTrace();
                    if (stack != null && !stack.getFrames().isEmpty()) {
                        samples++;
                        RecordedFrame top = stack.getFrames().get(0);
                        topFrames.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
                    }
                }
                default -> { }
            }
        }
        StringBuilder out = new StringBuilder(String.format("worker GC: %d collections, pauses %d ms in total, longest %d ms%n",
                collections, pauses.toMillis(), longest.toMillis()));
        if (profile) {
            out.append(String.format("worker profile (%s, %d samples), hottest methods:%n", file, samples));
            List<Map.Entry<String, Integer>> hot = topFrames.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(20).toList();
            for (Map.Entry<String, Integer> h : hot) {
                out.append(String.format("  %5.1f %%  %s%n", 100.0 * h.getValue() / Math.max(1, samples), h.getKey()));
            }
        }
        return out.toString();
    }

    private void jcmd(String... command) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> args = new java.util.ArrayList<>(List.of(java.replaceAll("java$", "jcmd"), String.valueOf(pid)));
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
    }
}
