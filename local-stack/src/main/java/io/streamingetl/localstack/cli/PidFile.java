package io.streamingetl.localstack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The pid of a detached component and the instant its process started, so a later deploy.sh or
 * terminate.sh finds it again. The start instant tells our process from a later one that got the
 * same pid; the command line cannot (Java cuts it at 4096 characters, shorter than the class path
 * of a Kafka or Connect JVM).
 */
record PidFile(Path file) {
    void write(long pid) {
        Optional<Instant> start = ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
        try {
            Files.writeString(file, pid + start.map(s -> " " + s.toEpochMilli()).orElse("") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded process, if it is still alive and is the one that was recorded. */
    Optional<ProcessHandle> live() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(file).strip().split("\\s+");
            long pid = Long.parseLong(parts[0]);
            Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (parts.length < 2) {
                return Optional.empty(); // a pid without its start instant cannot be told from a reused one
            }
            long started = Long.parseLong(parts[1]);
            return p.filter(h -> h.info().startInstant().map(s -> s.toEpochMilli() == started).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The recorded pid, alive or not (for messages). */
    Optional<Long> pid() {
        try {
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).strip().split("\\s+")[0]))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
