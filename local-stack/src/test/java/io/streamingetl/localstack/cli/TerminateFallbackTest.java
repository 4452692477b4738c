package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./terminate.sh} when local-stack.jar is not built (after {@code mvn clean}): it stops the
 * processes from their pid files itself. The processes are real ones started as the CLI starts its
 * components ({@link ManagedProcess} detached, in their own session) with pid files written by
 * {@link PidFile}; the script runs from a copy of it in a folder without the jar.
 */
class TerminateFallbackTest {
    private static final Path DIR = Path.of("target", "local-stack", "TerminateFallbackTest").toAbsolutePath();

    private final List<ProcessHandle> started = new ArrayList<>();
    private Path script;
    private LocalLayout layout;

    @BeforeEach
    void copyTheScriptWithoutTheJar() throws IOException {
        StackHome.deleteRecursively(DIR);
        Path repo = Files.createDirectories(DIR.resolve("repo"));
        script = repo.resolve("terminate.sh");
        Files.copy(StackLayout.repoRoot().resolve("terminate.sh"), script, StandardCopyOption.REPLACE_EXISTING);
        script.toFile().setExecutable(true, false);
        assertFalse(Files.exists(repo.resolve("local-stack/target/local-stack.jar")));
        layout = new LocalLayout(Files.createDirectories(DIR.resolve("home")));
        Files.writeString(Files.createDirectories(layout.data("mariadb")).resolve("ibdata1"), "state");
    }

    @AfterEach
    void killWhatIsLeft() {
        for (ProcessHandle p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void stopsTheRecordedProcessesWithTheirChildrenAndPurges() throws Exception {
        ProcessHandle kafka = startRecorded("kafka", "sleep", "600");
        // A child in the component's process group, as a server's helper process would be.
        ProcessHandle connect = startRecorded("connect", "bash", "-c", "sleep 600 & wait");
        Wait.until("the child of connect", Duration.ofSeconds(10), () -> connect.children().findAny().isPresent());
        ProcessHandle child = connect.children().findFirst().orElseThrow();

        Result r = terminate(Map.of(), "--purge");

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("kafka      stopping (pid " + kafka.pid() + ")"), r.toString());
        assertTrue(r.out.strip().endsWith("Stopped."), r.toString());
        for (ProcessHandle p : List.of(kafka, connect, child)) {
            assertGone(p);
        }
        assertFalse(Files.exists(layout.root()), "--purge deletes the state once nothing of it runs");

        Result again = terminate(Map.of(), "--purge");
        assertEquals(0, again.exit, "harmless to run twice: " + again);
        assertEquals("Stopped.", again.out.strip(), again.toString());
    }

    @Test
    void leavesAProcessThatOnlyHasTheRecordedPid() throws Exception {
        // The pid was reused: the file's start instant is not this process's one.
        ProcessHandle reused = startRecorded("kafka", "sleep", "600");
        Path kafkaPid = layout.pidFile("kafka");
        String[] recorded = Files.readString(kafkaPid).strip().split(" ");
        Files.writeString(kafkaPid, recorded[0] + " " + (Long.parseLong(recorded[1]) - 1000) + "\n");
        // Without a start instant (as PidFile.live): cannot be told from a reused pid either.
        ProcessHandle unverifiable = startRecorded("connect", "sleep", "600");
        Files.writeString(layout.pidFile("connect"), unverifiable.pid() + "\n");
        ProcessHandle ours = startRecorded("clickhouse", "sleep", "600");

        Result r = terminate(Map.of());

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("kafka      not running"), r.toString());
        assertTrue(reused.isAlive(), "a process that is not the recorded one is not signalled: " + r);
        assertTrue(unverifiable.isAlive(), "a pid without a start instant is not signalled: " + r);
        assertGone(ours);
        for (String name : List.of("kafka", "connect", "clickhouse")) {
            assertFalse(Files.exists(layout.pidFile(name)), name + ".pid names no process of ours any more");
        }
        assertTrue(r.out.strip().endsWith("Stopped."), r.toString());
    }

    @Test
    void killsAProcessThatIgnoresTerm() throws Exception {
        ProcessHandle stubborn = startRecorded("connect", "bash", "-c", "trap '' TERM; exec sleep 600");
        // Signal it only once the exec'd sleep (TERM ignored, inherited) runs.
        Wait.until("the exec'd sleep", Duration.ofSeconds(10),
                () -> stubborn.info().command().map(c -> c.endsWith("/sleep")).orElse(false));

        long t0 = System.nanoTime();
        Result r = terminate(Map.of("STREAMINGETL_STOP_GRACE_SECONDS", "2"));
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("connect (pid " + stubborn.pid() + ") did not stop within 2s of TERM: sending KILL"),
                r.toString());
        assertTrue(seconds >= 2, "KILL only after the grace period: " + seconds + " s");
        assertGone(stubborn);
        assertFalse(Files.exists(layout.pidFile("connect")));
        assertTrue(r.out.strip().endsWith("Stopped."), r.toString());
    }

    /** A process this user cannot signal: terminate.sh runs as nobody, the component as root. */
    @Test
    void saysWhichProcessWouldNotStopAndKeepsTheState() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root and setpriv to run terminate.sh as another user");
        ProcessHandle kafka = startRecorded("kafka", "sleep", "600");
        try (Stream<Path> all = Files.walk(DIR)) {
            for (Path p : all.toList()) { // a purge by nobody would succeed: only the script can keep the state
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || p.equals(script) ? "rwxrwxrwx" : "rw-rw-rw-"));
            }
        }
        for (Path p = DIR.getParent(); p != null; p = p.getParent()) {
            assumeTrue(Files.isExecutable(p) && p.toFile().canRead(), "nobody cannot reach " + p);
        }

        Result r = terminate(Map.of("STREAMINGETL_STOP_GRACE_SECONDS", "1"),
                List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), "--purge");

        assertNotEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("error: kafka (pid " + kafka.pid() + ", pid file " + layout.pidFile("kafka")
                + ") would not stop (kill -TERM: (-" + kafka.pid() + ") - Operation not permitted)"), // its group
                r.toString());
        assertTrue(r.err.contains("Not stopped: kafka"), r.toString());
        assertFalse(r.out.contains("Stopped."), r.toString());
        assertTrue(kafka.isAlive());
        assertTrue(Files.exists(layout.pidFile("kafka")), "its pid file stays: a later terminate.sh finds it");
        assertTrue(Files.exists(layout.data("mariadb").resolve("ibdata1")), "no purge while a process of it runs");
    }

    /** Started and recorded exactly as LocalStackCli.ensure does it. */
    private ProcessHandle startRecorded(String name, String... command) {
        ManagedProcess process = ManagedProcess.start(name, List.of(command), Map.of(),
                layout.data(name).resolveSibling(name + ".log"), Lifetime.DETACHED);
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        started.add(handle);
        new PidFile(layout.pidFile(name)).write(process.pid());
        return handle;
    }

    private static void assertGone(ProcessHandle p) {
        // A child of this JVM is reaped by it a moment after it dies.
        Wait.until("pid " + p.pid() + " to be gone", Duration.ofSeconds(5), () -> !p.isAlive());
    }

    private record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Result terminate(Map<String, String> env, String... args) throws Exception {
        return terminate(env, List.of(), args);
    }

    private Result terminate(Map<String, String> env, List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(script.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(DIR, "terminate", ".out");
        Path err = Files.createTempFile(DIR, "terminate", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("STREAMINGETL_HOME", layout.root().toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("terminate.sh timed out");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
