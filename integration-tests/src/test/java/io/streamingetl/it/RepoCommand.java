package io.streamingetl.it;

import io.streamingetl.localstack.StackLayout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the repository's commands (./deploy.sh, ./terminate.sh, scripts/...) run as a user runs it. */
record RepoCommand(int exit, String out) {

    /** Runs {@code command} from the repository root with {@code env} added; its output goes to {@code <logDir>/<name>.out}. */
    static RepoCommand run(Path logDir, Map<String, String> env, String name, String... command) throws Exception {
        Path log = logDir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(StackLayout.repoRoot().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        return new RepoCommand(p.exitValue(), out);
    }
}
