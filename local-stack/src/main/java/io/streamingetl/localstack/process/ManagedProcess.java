package io.streamingetl.localstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the stack (a server), with its output in a log file.
 *
 * <p>{@link Lifetime#TIED} processes end with the JVM that started them: they watch a pipe on
 * their stdin (ours) and exit when it closes, so even a JVM killed with -9 leaves no orphan.
 * {@link Lifetime#DETACHED} processes run in their own session and outlive us (deploy.sh); they
 * are found again through their pid file.
 */
public final class ManagedProcess {
    public enum Lifetime { TIED, DETACHED }

    private final String name;
    private final Path logFile;
    private final Process process;
    private final ProcessHandle handle;

    private ManagedProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
        this.handle = process.toHandle();
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env,
                                       Path logFile, Lifetime lifetime) {
        List<String> cmd = new ArrayList<>();
        if (lifetime == Lifetime.DETACHED) {
            // New session: a terminal's hangup or Ctrl-C in deploy.sh does not reach the server.
            cmd.add("setsid");
        }
        cmd.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(lifetime == Lifetime.TIED
                        ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "=== starting " + name + ": " + String.join(" ", cmd) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ManagedProcess managed = new ManagedProcess(name, logFile, builder.start());
            if (lifetime == Lifetime.TIED) {
                Reaper.register(managed);
            }
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", cmd) + ")", e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** Exit code if the process has ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** SIGTERM, then SIGKILL after the grace period. Waits until the process is gone. */
    public void stop(Duration grace) {
        stop(handle, grace);
        Reaper.unregister(this);
    }

    /** SIGKILL, as a crash would: no shutdown hooks, no flush. */
    public void kill() {
        killTree(handle);
        await(handle, Duration.ofSeconds(30));
        Reaper.unregister(this);
    }

    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    public static void stop(ProcessHandle handle, Duration grace) {
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroy();
        if (!await(handle, grace)) {
            killTree(handle);
            await(handle, Duration.ofSeconds(30));
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void killTree(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
    }

    private static boolean await(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            return !handle.isAlive();
        }
    }

    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + logFile + ")";
    }

    /** Kills tied processes that are still running when the JVM exits normally. */
    private static final class Reaper {
        private static final java.util.Set<ManagedProcess> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> LIVE.forEach(p -> killTree(p.handle)), "local-stack-reaper"));
        }

        static void register(ManagedProcess p) {
            LIVE.add(p);
        }

        static void unregister(ManagedProcess p) {
            LIVE.remove(p);
        }
    }
}
