package io.streamingetl.localstack;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's build puts what the stack runs (the plugin archives). */
public final class StackLayout {
    private StackLayout() {
    }

    /** The repository root: {@code -Dstreamingetl.repo.root}, else the nearest parent holding local-stack/. */
    public static Path repoRoot() {
        String configured = System.getProperty("streamingetl.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("local-stack")) && Files.isDirectory(dir.resolve("packaging"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath()
                + "; set -Dstreamingetl.repo.root");
    }

    /**
     * The worker's {@code plugin.path}: one folder holding an unpacked folder per plugin (ours and
     * Debezium's), built by the packaging module.
     */
    public static Path pluginPath() {
        return repoRoot().resolve("packaging/target/plugins");
    }
}
