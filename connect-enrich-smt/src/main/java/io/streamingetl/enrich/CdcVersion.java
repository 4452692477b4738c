package io.streamingetl.enrich;

import org.apache.kafka.connect.errors.DataException;

/**
 * The {@code _version} of a change: a non-negative long, a pure function of the change's place in
 * one server's binlog, that strictly increases in binlog (= commit) order, so ClickHouse's
 * {@code ReplacingMergeTree(_version, _deleted)} keeps the latest image of a row whatever order the
 * sink writes in, and a change emitted again after a restart gets the same version.
 *
 * <pre>
 *   streamed:  fileNumber &lt;&lt; 33  |  (pos + row) &lt;&lt; 1  |  1
 *   snapshot:  fileNumber &lt;&lt; 33  |   pos        &lt;&lt; 1  |  0
 *              bits 62..33          bits 32..1            bit 0
 *              30 bits              32 bits
 * </pre>
 *
 * <ul>
 *   <li>{@code fileNumber}: the numeric suffix of {@code source.file} ({@code mysql-bin.000003} is
 *       3). Binlog files are numbered in order, so a later file always wins.</li>
 *   <li>{@code pos}: {@code source.pos}, the position of the change's own rows event (MySQL;
 *       MariaDB with {@code binlog_legacy_event_pos=ON}). {@code row}: {@code source.row}, the
 *       change's index among the rows of that event. A rows event of n rows is at least 19 header
 *       bytes plus one byte per row (every row image has a null bitmap), so {@code pos + row} is
 *       strictly below the position of the next event: {@code pos + row} orders every change of
 *       one file without bits of its own for the row.</li>
 *   <li>bit 0: 1 for streamed changes, 0 for snapshot reads. A snapshot row carries the binlog
 *       position the snapshot read at (initial snapshots: where streaming starts; incremental
 *       snapshots: the event that closed the chunk's window). Every later streamed change is at that
 *       position or beyond, so it wins even at the same position; the row index of a snapshot read
 *       is ignored for that reason.</li>
 * </ul>
 *
 * A component outside its bits (file number &ge; 2^30, position &ge; 2^32, negatives) is an error,
 * never a silent wrap. Versions compare within one server's binlog numbering only.
 */
public final class CdcVersion {

    static final int FILE_BITS = 30;
    static final int POSITION_BITS = 32;
    static final long MAX_FILE_NUMBER = (1L << FILE_BITS) - 1;
    static final long MAX_POSITION = (1L << POSITION_BITS) - 1;

    private CdcVersion() {
    }

    /**
     * The version of a streamed change.
     *
     * @param file {@code source.file}, e.g. {@code mysql-bin.000003}
     * @param pos  {@code source.pos}, the position of the change's rows event
     * @param row  {@code source.row}, the change's index in that event
     */
    public static long streamed(String file, long pos, long row) {
        if (row < 0) {
            throw new DataException("source.row " + row + " must not be negative");
        }
        return compose(fileNumber(file), checkedPosition(pos, row), true);
    }

    /** The version of a snapshot read taken at {@code file}:{@code pos}. */
    public static long snapshot(String file, long pos) {
        return compose(fileNumber(file), checkedPosition(pos, 0), false);
    }

    static long compose(long fileNumber, long position, boolean streamed) {
        if (fileNumber < 0 || fileNumber > MAX_FILE_NUMBER) {
            throw new DataException("source.file number " + fileNumber + " is outside 0.." + MAX_FILE_NUMBER
                    + ": it does not fit the " + FILE_BITS + " bits of _version");
        }
        if (position < 0 || position > MAX_POSITION) {
            throw new DataException("binlog position " + position + " is outside 0.." + MAX_POSITION
                    + ": it does not fit the " + POSITION_BITS + " bits of _version");
        }
        return (fileNumber << (POSITION_BITS + 1)) | (position << 1) | (streamed ? 1L : 0L);
    }

    private static long checkedPosition(long pos, long row) {
        if (pos < 0) {
            throw new DataException("source.pos " + pos + " must not be negative");
        }
        if (pos > MAX_POSITION - row) {
            throw new DataException("source.pos + source.row = " + pos + " + " + row + " exceeds " + MAX_POSITION
                    + ": it does not fit the " + POSITION_BITS + " bits of _version");
        }
        return pos + row;
    }

    /** Whether {@code version} belongs to a streamed change (bit 0). */
    static boolean isStreamed(long version) {
        return (version & 1L) != 0;
    }

    /** {@code file#N pos+row P}: a version's coordinates, for error messages. */
    static String describe(long version) {
        return "binlog file #" + (version >>> (POSITION_BITS + 1)) + ", position+row " + ((version >>> 1) & MAX_POSITION);
    }

    /** The digits after the last '.' of a binlog file name; anything else is an error. */
    static long fileNumber(String file) {
        if (file == null) {
            throw new DataException("source.file is missing: _version needs the binlog file name");
        }
        int dot = file.lastIndexOf('.');
        int start = dot + 1;
        int length = file.length() - start;
        if (length == 0 || length > 10) {
            throw new DataException("source.file '" + file + "' does not end in a binlog file number (name.NNNNNN)");
        }
        long n = 0;
        for (int i = start; i < file.length(); i++) {
            char c = file.charAt(i);
            if (c < '0' || c > '9') {
                throw new DataException("source.file '" + file + "' does not end in a binlog file number (name.NNNNNN)");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Debezium marks snapshot reads with source.snapshot true/first/last/incremental/...; streaming with false. */
    static boolean isSnapshot(String op, Object snapshotField) {
        if ("r".equals(op)) {
            return true;
        }
        return snapshotField != null && !"false".equals(snapshotField.toString());
    }
}
