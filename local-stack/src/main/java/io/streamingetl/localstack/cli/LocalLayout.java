package io.streamingetl.localstack.cli;

import io.streamingetl.localstack.StackHome;

import java.nio.file.Path;

/**
 * Where local mode keeps its state, under one git-ignored folder of the repository
 * ({@code .local-stack/}, or {@code $STREAMINGETL_HOME}): data per component with its log beside it, pid files.
 */
record LocalLayout(Path root) {
    static LocalLayout of(Path repoRoot) {
        String override = System.getenv("STREAMINGETL_HOME");
        Path root = override != null && !override.isBlank() ? Path.of(override) : repoRoot.resolve(".local-stack");
        return new LocalLayout(StackHome.createDirectories(root.toAbsolutePath()));
    }

    Path data(String component) {
        return StackHome.createDirectories(root.resolve("data")).resolve(component);
    }

    Path pidFile(String component) {
        return StackHome.createDirectories(root.resolve("run")).resolve(component + ".pid");
    }
}
