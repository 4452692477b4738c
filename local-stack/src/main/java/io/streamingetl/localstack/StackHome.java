package io.streamingetl.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where downloaded server binaries are cached across runs (shared by tests and deploy.sh). */
public final class StackHome {
    private StackHome() {
    }

    /** {@code $STREAMINGETL_CACHE}, else {@code ~/.cache/streaming-etl}. */
    public static Path cacheDir() {
        String override = System.getenv("STREAMINGETL_CACHE");
        Path dir = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".cache", "streaming-etl");
        return createDirectories(dir);
    }

    public static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Deletes a directory tree if it exists (data dirs, unpack and download leftovers). */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** A fresh directory for one run of a component in tests. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
