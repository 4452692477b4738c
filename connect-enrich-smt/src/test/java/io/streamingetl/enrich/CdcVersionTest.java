package io.streamingetl.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The formula's arithmetic, limits and ordering over whole simulated binlogs; real coordinates are in FixtureTest. */
class CdcVersionTest {

    /** A binlog event header; a rows event adds at least one byte per row. */
    private static final int EVENT_HEADER = 19;

    @Test
    void layout() {
        assertEquals((3L << 33) | (1234L << 1) | 1L, CdcVersion.streamed("mysql-bin.000003", 1230, 4));
        assertEquals((3L << 33) | (1234L << 1), CdcVersion.snapshot("mysql-bin.000003", 1234));
        assertEquals(Long.MAX_VALUE, CdcVersion.compose(CdcVersion.MAX_FILE_NUMBER, CdcVersion.MAX_POSITION, true));
        assertEquals(Long.MAX_VALUE, CdcVersion.streamed("b." + CdcVersion.MAX_FILE_NUMBER, CdcVersion.MAX_POSITION - 7, 7));
        assertEquals(1L, CdcVersion.streamed("b.0", 0, 0));
        assertTrue(CdcVersion.isStreamed(CdcVersion.streamed("b.1", 4, 0)));
        assertTrue(!CdcVersion.isStreamed(CdcVersion.snapshot("b.1", 4)));
        assertEquals("binlog file #3, position+row 1234", CdcVersion.describe(CdcVersion.streamed("b.000003", 1230, 4)));
    }

    @Test
    void laterFileWinsOverAnyPositionAndStreamedOverSnapshotAtOnePosition() {
        assertTrue(CdcVersion.snapshot("b.000004", 4) > CdcVersion.streamed("b.000003", CdcVersion.MAX_POSITION, 0));
        assertTrue(CdcVersion.streamed("b.000003", 500, 0) > CdcVersion.snapshot("b.000003", 500));
    }

    @Test
    void snapshotReadsIgnoreTheRowIndexSoTheNextEventWins() {
        // A snapshot read reported with row 5 at position 500 must stay below an event at 501.
        assertTrue(CdcVersion.streamed("b.1", 501, 0) > CdcVersion.snapshot("b.1", 500));
    }

    @Test
    void overflowIsAnErrorNotAWrap() {
        DataException file = assertThrows(DataException.class,
                () -> CdcVersion.streamed("mysql-bin." + (CdcVersion.MAX_FILE_NUMBER + 1), 4, 0));
        assertTrue(file.getMessage().contains("source.file"), file.getMessage());
        DataException pos = assertThrows(DataException.class,
                () -> CdcVersion.streamed("mysql-bin.000001", CdcVersion.MAX_POSITION, 1));
        assertTrue(pos.getMessage().contains("source.pos"), pos.getMessage());
        assertThrows(DataException.class, () -> CdcVersion.streamed("mysql-bin.000001", CdcVersion.MAX_POSITION + 1, 0));
        assertThrows(DataException.class, () -> CdcVersion.snapshot("mysql-bin.000001", CdcVersion.MAX_POSITION + 1));
        assertThrows(DataException.class, () -> CdcVersion.streamed("mysql-bin.000001", Long.MAX_VALUE, Long.MAX_VALUE));
        assertThrows(DataException.class, () -> CdcVersion.streamed("mysql-bin.000001", -1, 0));
        assertThrows(DataException.class, () -> CdcVersion.streamed("mysql-bin.000001", 4, -1));
        assertThrows(DataException.class, () -> CdcVersion.streamed("mysql-bin.99999999999", 4, 0));
    }

    @Test
    void fileNameMustEndInANumber() {
        for (String bad : new String[] {"mysql-bin", "mysql-bin.", "mysql-bin.00a1", null}) {
            DataException e = assertThrows(DataException.class, () -> CdcVersion.streamed(bad, 4, 0));
            assertTrue(e.getMessage().contains("source.file"), e.getMessage());
        }
    }

    /**
     * Property: over random binlogs that span the whole coordinate range (file numbers up to 2^30,
     * positions up to 2^32, events of 1..5000 rows, rotations anywhere), versions strictly increase
     * in binlog order, snapshot reads stay below every streamed change at or after their position,
     * and the same coordinates always give the same version. Replay a failure with -Dversion.seed=N.
     */
    @Test
    void versionsGrowInBinlogOrderOverTheWholeCoordinateRange() {
        long seed = Long.getLong("version.seed", System.nanoTime());
        Random random = new Random(seed);
        int checked = 0;
        try {
            for (int binlog = 0; binlog < 200; binlog++) {
                checked += checkOneBinlog(random);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (replay: -Dversion.seed=" + seed + "): " + e.getMessage(), e);
        }
        assertTrue(checked > 100_000, "changes checked: " + checked);
    }

    private static int checkOneBinlog(Random random) {
        long file = random.nextInt(4) == 0 ? CdcVersion.MAX_FILE_NUMBER - random.nextInt(3) : random.nextInt(1 << 20);
        // Start anywhere, including the last few KB below the 4 GiB position limit.
        long pos = random.nextBoolean() ? 4 : (long) (random.nextDouble() * CdcVersion.MAX_POSITION);
        long previous = -1;
        String name = "mysql-bin." + file;
        int changes = 0;
        for (int event = 0; event < 300; event++) {
            if (random.nextInt(50) == 0 && file < CdcVersion.MAX_FILE_NUMBER) { // rotation
                file++;
                name = "mysql-bin." + String.format("%06d", file);
                pos = 4;
            }
            if (random.nextInt(20) == 0) {
                // A snapshot (initial, or an incremental chunk) reads here: above everything before, below
                // everything after (the loop below checks the latter against previous).
                long v = CdcVersion.snapshot(name, pos);
                assertTrue(v > previous, "snapshot at " + name + ":" + pos + " gives " + v + ", not above " + previous);
                previous = v;
            }
            int rows = 1 + (random.nextInt(10) == 0 ? random.nextInt(5000) : random.nextInt(5));
            // As small as an event can be (header + one byte per row), or larger.
            long length = EVENT_HEADER + rows + (random.nextBoolean() ? 0 : (long) random.nextInt(200) * rows);
            if (pos + length > CdcVersion.MAX_POSITION) {
                break; // MySQL rotates before 4 GiB; a position beyond it is refused (overflowIsAnErrorNotAWrap)
            }
            for (int row = 0; row < rows; row++) {
                long v = CdcVersion.streamed(name, pos, row);
                assertTrue(v > previous, name + ":" + pos + " row " + row + " gives " + v + ", not above " + previous);
                assertEquals(v, CdcVersion.streamed(name, pos, row), "a pure function");
                previous = v;
                changes++;
            }
            pos += length;
        }
        return changes;
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
