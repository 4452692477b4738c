package io.streamingetl.localstack.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The log4j2 configuration of the child JVMs: INFO to stdout, which goes to the component's log. */
final class Log4j {
    private Log4j() {
    }

    static Path config(Path dataDir) {
        Path file = dataDir.resolveSibling(dataDir.getFileName() + "-log4j2.properties");
        try (InputStream in = Log4j.class.getResourceAsStream("/io/streamingetl/localstack/child-log4j2.properties")) {
            Files.createDirectories(dataDir.getParent());
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
