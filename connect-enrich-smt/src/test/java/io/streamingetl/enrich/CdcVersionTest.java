package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The formula's arithmetic and limits; ordering over real binlog coordinates is in FixtureTest. */
class CdcVersionTest {

    @Test
    void layout() {
        assertEquals((3L << 33) | (1234L << 1) | 1L, CdcVersion.of("mysql-bin.000003", 1230, 4, false));
        assertEquals((3L << 33) | (1234L << 1), CdcVersion.of("mysql-bin.000003", 1234, 0, true));
        assertEquals(Long.MAX_VALUE, CdcVersion.compose(CdcVersion.MAX_FILE_NUMBER, CdcVersion.MAX_POSITION, 0, false));
    }

    @Test
    void laterFileWinsOverAnyPositionAndStreamedOverSnapshotAtOnePosition() {
        assertTrue(CdcVersion.of("b.000004", 4, 0, true) > CdcVersion.of("b.000003", CdcVersion.MAX_POSITION, 0, false));
        assertTrue(CdcVersion.of("b.000003", 500, 0, false) > CdcVersion.of("b.000003", 500, 0, true));
    }

    @Test
    void overflowIsAnErrorNotAWrap() {
        DataException file = assertThrows(DataException.class,
                () -> CdcVersion.of("mysql-bin." + (CdcVersion.MAX_FILE_NUMBER + 1), 4, 0, false));
        assertTrue(file.getMessage().contains("source.file"), file.getMessage());
        DataException pos = assertThrows(DataException.class,
                () -> CdcVersion.of("mysql-bin.000001", CdcVersion.MAX_POSITION, 1, false));
        assertTrue(pos.getMessage().contains("source.pos"), pos.getMessage());
        assertThrows(DataException.class, () -> CdcVersion.of("mysql-bin.000001", -1, 0, false));
        assertThrows(DataException.class, () -> CdcVersion.of("mysql-bin.99999999999", 4, 0, false));
    }

    @Test
    void fileNameMustEndInANumber() {
        for (String bad : new String[] {"mysql-bin", "mysql-bin.", "mysql-bin.00a1", null}) {
            DataException e = assertThrows(DataException.class, () -> CdcVersion.of(bad, 4, 0, false));
            assertTrue(e.getMessage().contains("source.file"), e.getMessage());
        }
    }

    @Test
    void snapshotMarkers() {
        assertTrue(CdcVersion.isSnapshot("r", "false"));
        for (String s : new String[] {"true", "first", "last", "first_in_data_collection", "incremental"}) {
            assertTrue(CdcVersion.isSnapshot("c", s), s);
        }
        assertTrue(!CdcVersion.isSnapshot("c", "false"));
        assertTrue(!CdcVersion.isSnapshot("u", null));
    }

    @Test
    void zonedTimestampKeepsMicros() {
        assertEquals(1_714_566_896_123_456L, LogicalTypes.zonedTimestampToMicros("2024-05-01T12:34:56.123456Z"));
        assertEquals(1_714_566_896_000_000L, LogicalTypes.zonedTimestampToMicros("2024-05-01T12:34:56Z"));
        assertEquals(1_714_566_896_100_000L, LogicalTypes.zonedTimestampToMicros("2024-05-01T14:34:56.1+02:00"));
        assertEquals(1_714_566_896_123_456L, LogicalTypes.zonedTimestampToMicros("2024-05-01T12:34:56.123456789Z"));
        assertEquals(-1L, LogicalTypes.zonedTimestampToMicros("1969-12-31T23:59:59.999999Z"));
        assertThrows(DataException.class, () -> LogicalTypes.zonedTimestampToMicros("2024-02-30T00:00:00Z"));
        assertThrows(DataException.class, () -> LogicalTypes.zonedTimestampToMicros("yesterday"));
    }
}
