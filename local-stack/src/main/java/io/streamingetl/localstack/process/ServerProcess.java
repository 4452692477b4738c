package io.streamingetl.localstack.process;

import java.time.Duration;

/** A server of the stack that runs as one {@link ManagedProcess}: the lifecycle they all share. */
public abstract class ServerProcess implements AutoCloseable {
    private final Duration stopGrace;
    protected ManagedProcess process;

    protected ServerProcess(Duration stopGrace) {
        this.stopGrace = stopGrace;
    }

    public ManagedProcess process() {
        return process;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash would. The data directory stays. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGTERM, then SIGKILL after the grace period. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(stopGrace);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
