package io.streamingetl.localstack.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Java21Test {
    @Test
    void readsTheFeatureVersionFromTheJdksReleaseFile(@TempDir Path dir) throws Exception {
        assertEquals(25, feature(dir.resolve("a"), "JAVA_VERSION=\"25.0.1\""));
        assertEquals(21, feature(dir.resolve("b"), "JAVA_VERSION=\"21\""));
        assertEquals(17, feature(dir.resolve("c"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"17.0.15\""));
        assertEquals(8, feature(dir.resolve("d"), "JAVA_VERSION=\"1.8.0_392\""));
        assertEquals(0, feature(dir.resolve("e"), "JAVA_VERSION=\"\""));
        assertEquals(0, Java21.feature(dir.resolve("no-such-jdk")));
    }

    @Test
    void findsAJava21OrLaterExecutable() {
        // This machine has Temurin 25 (the project itself runs on 17): the finder must pick a 21+.
        Path java = Java21.executable();
        assertTrue(Java21.feature(java.getParent().getParent()) >= Java21.MINIMUM, java.toString());
    }

    private static int feature(Path home, String release) throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("release"), release + "\n");
        return Java21.feature(home);
    }
}
