package io.streamingetl.it;

import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.junit.LocalStackExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A source task RUNNING has not read the binlog yet: a table created between its snapshot and its
 * first binlog read is unknown to it ("whose schema isn't known to this connector") and fails it.
 * Tests that create tables right after registering a source wait for the streaming phase first.
 */
final class SourceStreaming {
    private SourceStreaming() {
    }

    /** Waits until the stack's worker log says Debezium streams the binlog. */
    static void await(LocalStackExtension stack) {
        Path log = stack.baseDir().resolve("connect.log");
        Wait.until("Debezium streaming the binlog", Duration.ofSeconds(90), () -> {
            try {
                return Files.readString(log).contains("Starting streaming");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
