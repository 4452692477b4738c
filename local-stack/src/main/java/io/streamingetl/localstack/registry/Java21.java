package io.streamingetl.localstack.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds a Java 21+ runtime for the registry (a Quarkus app built for Java 21; the project itself
 * runs on 17). Order: {@code $REGISTRY_JAVA_HOME}, this JVM if new enough, {@code $JAVA_HOME},
 * then the newest JDK under {@code /usr/lib/jvm}.
 */
final class Java21 {
    static final int MINIMUM = 21;

    private Java21() {
    }

    static Path executable() {
        List<Path> homes = new ArrayList<>();
        env("REGISTRY_JAVA_HOME").ifPresent(homes::add);
        homes.add(Path.of(System.getProperty("java.home")));
        env("JAVA_HOME").ifPresent(homes::add);
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            jvms.sorted((a, b) -> Integer.compare(feature(b), feature(a))).forEach(homes::add);
        } catch (IOException | RuntimeException e) {
            // no /usr/lib/jvm: only the candidates above
        }
        for (Path home : homes) {
            Path java = home.resolve("bin/java");
            if (feature(home) >= MINIMUM && Files.isExecutable(java)) {
                return java;
            }
        }
        throw new IllegalStateException("Apicurio Registry needs Java " + MINIMUM + " or later and none was found "
                + "(looked at $REGISTRY_JAVA_HOME, this JVM, $JAVA_HOME and /usr/lib/jvm/*: " + homes + "); "
                + "install one (e.g. apt-get install openjdk-21-jre-headless or Temurin 25) or set REGISTRY_JAVA_HOME");
    }

    /** The feature version from the JDK's {@code release} file; 0 when unknown. */
    static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        try (var reader = Files.newBufferedReader(release)) {
            Properties props = new Properties();
            props.load(reader);
            String version = props.getProperty("JAVA_VERSION", "").replace("\"", "");
            String major = version.startsWith("1.") ? version.substring(2) : version;
            int end = 0;
            while (end < major.length() && Character.isDigit(major.charAt(end))) {
                end++;
            }
            return end == 0 ? 0 : Integer.parseInt(major.substring(0, end));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Optional<Path> env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }
}
