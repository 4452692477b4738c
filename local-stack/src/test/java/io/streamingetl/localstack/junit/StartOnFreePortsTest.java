package io.streamingetl.localstack.junit;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.clickhouse.ClickHouseServer;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A port taken between the pick and the server's bind costs a retry, not the test class. */
class StartOnFreePortsTest {
    private static final Path DIR = Path.of("target", "local-stack", "StartOnFreePortsTest", "clickhouse");

    @Test
    void aTakenPortIsReplacedByAFreshOne() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.free()));
            int taken = squatter.getLocalPort();
            AtomicInteger created = new AtomicInteger();
            ClickHouseServer server = LocalStackExtension.startOnFreePorts(DIR,
                    dir -> created.incrementAndGet() == 1
                            ? new ClickHouseServer(dir, taken, Ports.free(), Lifetime.TIED, null)
                            : ClickHouseServer.forTests(dir),
                    ClickHouseServer::start);
            try {
                assertEquals(2, created.get());
                assertNotEquals(taken, server.httpPort());
                assertEquals("1", server.query("SELECT 1").trim());
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger created = new AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalStackExtension.startOnFreePorts(DIR,
                dir -> {
                    created.incrementAndGet();
                    return ClickHouseServer.forTests(dir);
                },
                server -> {
                    throw new IllegalStateException("broken config");
                }));
        assertEquals("broken config", e.getMessage());
        assertEquals(1, created.get());
    }
}
