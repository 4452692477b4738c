package io.streamingetl.clickhouse.ddl;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The oldest ClickHouse the sink accepts; the real 26.7 is accepted by every test against it. */
class ServerVersionTest {

    @Test
    void releasesFrom24Point8OnAreSupported() {
        assertTrue(ServerVersion.parse("26.7.2.1").supported());
        assertTrue(ServerVersion.parse("24.8.14.39").supported());
        assertTrue(ServerVersion.parse("25.1").supported());
        assertFalse(ServerVersion.parse("24.3.5.46").supported());
        assertFalse(ServerVersion.parse("23.12.1.1").supported());
        assertNull(ServerVersion.parse("26.7.2.1").problem("http://ch:8123"));
    }

    @Test
    void anOlderServerIsRefusedNamingItsVersionTheMinimumAndWhatIsTested() {
        assertEquals("ClickHouse 23.8.2.7 at http://ch:8123 is older than 24.8, the oldest release this sink supports"
                + " (its tests run 26.7); upgrade the server", ServerVersion.parse("23.8.2.7").problem("http://ch:8123"));
        assertThrows(org.apache.kafka.connect.errors.ConnectException.class, () -> ServerVersion.parse("unknown"));
    }
}
