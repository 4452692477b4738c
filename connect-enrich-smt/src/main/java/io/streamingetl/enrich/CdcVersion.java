package io.streamingetl.enrich;

import org.apache.kafka.connect.errors.DataException;

/**
 * The {@code _version} of a change: a non-negative long that strictly increases in binlog order
 * for one source server, so ClickHouse's {@code ReplacingMergeTree(_version, _deleted)} keeps the
 * latest image of a row whatever order the sink writes in.
 *
 * <pre>
 *   version = fileNumber &lt;&lt; 33  |  (pos + row) &lt;&lt; 1  |  streamed
 *             bits 62..33           bits 32..1            bit 0
 *             30 bits               32 bits               1 bit: 1 streamed, 0 snapshot
 * </pre>
 *
 * <ul>
 *   <li>{@code fileNumber}: the numeric suffix of {@code source.file} ({@code mysql-bin.000003} is
 *       3). Binlog files are numbered in order, so later files always win. Limit: &lt; 2^30.</li>
 *   <li>{@code pos + row}: {@code source.pos} is the start of the binlog rows event that carried the
 *       change; {@code source.row} is the row's index inside that event. Every row adds at least
 *       one byte to its event (a null bitmap at least), and the next event starts after this
 *       one's header plus all its rows, so {@code pos + row} is strictly below the next event's
 *       {@code pos}: it orders rows within an event, events within a transaction and transactions
 *       within a file, with no bits spent on the row. Limit: {@code pos + row < 2^32} (the classic
 *       binlog position limit).</li>
 *   <li>{@code streamed}: 0 for snapshot reads, 1 for binlog changes. A snapshot row carries the
 *       binlog position the snapshot started at; every streamed change of that row comes at that
 *       position or later, so it gets a higher version even at the same position.</li>
 * </ul>
 *
 * Limits (documented in the README too): versions compare only within one source server's binlog
 * (a failover to a server with other file numbering restarts the sequence); MariaDB's compressed
 * binlog events ({@code log_bin_compress}) can hold more rows than bytes, which would break the
 * {@code pos + row} argument. A component out of range is an error, never a silent wrap.
 */
public final class CdcVersion {

    static final int FILE_BITS = 30;
    static final int POSITION_BITS = 32;
    static final long MAX_FILE_NUMBER = (1L << FILE_BITS) - 1;
    static final long MAX_POSITION = (1L << POSITION_BITS) - 1;

    private CdcVersion() {
    }

    /**
     * @param file     {@code source.file}, e.g. {@code mysql-bin.000003}
     * @param pos      {@code source.pos}
     * @param row      {@code source.row}
     * @param snapshot whether the record is a snapshot read
     */
    public static long of(String file, long pos, long row, boolean snapshot) {
        return compose(fileNumber(file), pos, row, snapshot);
    }

    static long compose(long fileNumber, long pos, long row, boolean snapshot) {
        if (fileNumber < 0 || fileNumber > MAX_FILE_NUMBER) {
            throw new DataException("source.file number " + fileNumber + " is outside 0.." + MAX_FILE_NUMBER
                    + ": it does not fit the 30 bits of _version");
        }
        if (pos < 0 || row < 0) {
            throw new DataException("source.pos " + pos + " and source.row " + row + " must not be negative");
        }
        long position = pos + row;
        if (position > MAX_POSITION) {
            throw new DataException("source.pos + source.row = " + pos + " + " + row + " exceeds " + MAX_POSITION
                    + ": it does not fit the 32 bits of _version");
        }
        return (fileNumber << (POSITION_BITS + 1)) | (position << 1) | (snapshot ? 0L : 1L);
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
