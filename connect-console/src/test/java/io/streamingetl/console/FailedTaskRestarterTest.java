package io.streamingetl.console;

import io.streamingetl.console.FailedTaskRestarter.WorkerAddress;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The restarter finds its own tasks by the id Connect gives the worker and its REST API by the
 * listener, and logs why a task failed.
 */
class FailedTaskRestarterTest {
    @Test
    void theAdvertisedHostAndPortAreTheWorkerId() {
        WorkerAddress a = WorkerAddress.of(Map.of("listeners", "http://0.0.0.0:8083",
                "rest.advertised.host.name", "connect", "rest.advertised.port", "8083"));
        assertEquals("connect:8083", a.workerId());
        assertEquals(URI.create("http://localhost:8083"), a.restBase());
    }

    @Test
    void withoutAdvertisedValuesTheListenerNamesTheWorker() {
        WorkerAddress a = WorkerAddress.of(Map.of("listeners", "http://127.0.0.1:28083"));
        assertEquals("127.0.0.1:28083", a.workerId());
        assertEquals(URI.create("http://127.0.0.1:28083"), a.restBase());
    }

    @Test
    void restartsGoToThePlainHttpListener() {
        WorkerAddress a = WorkerAddress.of(Map.of("listeners", "https://node1:8443,http://:8083",
                "rest.advertised.host.name", "node1"));
        assertEquals("node1:8443", a.workerId());
        assertEquals(URI.create("http://localhost:8083"), a.restBase());
    }

    @Test
    void theLogNamesTheRootCause() {
        String trace = "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n"
                + "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:636)\n"
                + "Caused by: org.apache.kafka.connect.errors.ConnectException: table db.t does not exist\n"
                + "\tat io.streamingetl.clickhouse.schema.ColumnPlanner.plan(ColumnPlanner.java:176)\n";
        assertEquals("org.apache.kafka.connect.errors.ConnectException: table db.t does not exist",
                FailedTaskRestarter.rootCause(trace));
        assertEquals("java.lang.IllegalStateException: x", FailedTaskRestarter.rootCause("java.lang.IllegalStateException: x"));
    }

    @Test
    void onlyHttpsListenersMeanNoRestarts() {
        assertNull(WorkerAddress.of(Map.of("listeners", "https://node1:8443")));
    }
}
