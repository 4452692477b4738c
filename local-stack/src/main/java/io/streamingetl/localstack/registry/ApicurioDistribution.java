package io.streamingetl.localstack.registry;

import io.streamingetl.localstack.StackHome;
import io.streamingetl.localstack.StackLayout;
import io.streamingetl.localstack.Versions;
import io.streamingetl.localstack.process.CacheLock;
import io.streamingetl.localstack.process.Commands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Apicurio Registry's server, the ready Quarkus app {@code io.apicurio:apicurio-registry-app:tar.gz:all}
 * from Maven Central. local-stack's build fetches the archive (maven-dependency-plugin copy into
 * {@code local-stack/target/apicurio/}); the first use unpacks it with {@code tar} into the cache.
 * The JDK's own tar, not the dependency plugin's unpack, which cuts the app's long file names.
 */
public final class ApicurioDistribution {
    private final Path runJar;

    private ApicurioDistribution(Path runJar) {
        this.runJar = runJar;
    }

    /** {@code quarkus-app/quarkus-run.jar}: what {@code java -jar} runs. */
    public Path runJar() {
        return runJar;
    }

    public static ApicurioDistribution ensure() {
        String version = Versions.apicurioRegistry();
        Path dir = StackHome.createDirectories(StackHome.cacheDir().resolve("apicurio-registry-" + version));
        try (CacheLock ignored = CacheLock.acquire(dir.resolve(".lock"))) {
            Path app = dir.resolve("app");
            if (!Files.exists(dir.resolve(".complete"))) {
                unpack(archive(version), dir, app);
                Files.writeString(dir.resolve(".complete"), version);
            }
            return new ApicurioDistribution(findRunJar(app));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The archive the build copied, else the one in the local Maven repository. */
    static Path archive(String version) {
        String file = "apicurio-registry-app-" + version + "-all.tar.gz";
        List<Path> candidates = new ArrayList<>();
        try {
            candidates.add(StackLayout.repoRoot().resolve("local-stack/target/apicurio").resolve(file));
        } catch (IllegalStateException notInRepo) {
            // run from elsewhere: the local repository below still works
        }
        String repoLocal = System.getProperty("maven.repo.local");
        Path m2 = repoLocal != null && !repoLocal.isBlank() ? Path.of(repoLocal)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        candidates.add(m2.resolve("io/apicurio/apicurio-registry-app").resolve(version).resolve(file));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new IllegalStateException("Apicurio Registry " + version + " archive not found at " + candidates
                        + "; build local-stack first (mvn -pl local-stack -am install), which fetches "
                        + "io.apicurio:apicurio-registry-app:" + version + ":tar.gz:all from Maven Central"));
    }

    private static void unpack(Path archive, Path dir, Path app) throws IOException {
        Path tmp = dir.resolve("unpacking");
        StackHome.deleteRecursively(tmp);
        StackHome.deleteRecursively(app);
        Files.createDirectories(tmp);
        System.err.println("[local-stack] unpacking Apicurio Registry " + archive + " into " + app);
        Commands.run(tmp, List.of("tar", "xzf", archive.toString()), 600);
        // Move into place last, so an interrupted unpack never looks complete.
        Files.move(tmp, app, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path findRunJar(Path app) throws IOException {
        try (Stream<Path> walk = Files.walk(app, 4)) {
            return walk.filter(p -> p.getFileName().toString().equals("quarkus-run.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no quarkus-run.jar under " + app
                            + "; delete that folder to unpack again"));
        }
    }
}
