package io.streamingetl.localstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a download, so two JVMs never fetch or unpack it at once: a file lock
 * between JVMs, and an in-JVM lock in front of it, because a JVM may not hold two file locks on
 * one file (two servers of one kind starting in parallel, e.g. the nodes of a cluster).
 */
public final class CacheLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(ReentrantLock jvmLock, FileChannel channel, FileLock lock) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.lock = lock;
    }

    public static CacheLock acquire(Path lockFile) {
        ReentrantLock jvmLock = IN_JVM.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        jvmLock.lock();
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new CacheLock(jvmLock, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            jvmLock.unlock();
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + lockFile, io) : (RuntimeException) e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            jvmLock.unlock();
        }
    }
}
