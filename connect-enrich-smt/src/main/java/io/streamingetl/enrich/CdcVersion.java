package io.streamingetl.enrich;

import org.apache.kafka.connect.errors.DataException;

/**
 * The {@code _version} of a change: a non-negative long that strictly increases in binlog order
 * for one source server, so ClickHouse's {@code ReplacingMergeTree(_version, _deleted)} keeps the
 * latest image of a row whatever order the sink writes in.
 *
 * <pre>
 *   version = fileNumber &lt;&lt; 33  |  (pos + k) &lt;&lt; 1  |  streamed
 *             bits 62..33           bits 32..1          bit 0
 *             30 bits               32 bits             1 bit: 1 streamed, 0 snapshot
 * </pre>
 *
 * <ul>
 *   <li>{@code fileNumber}: the numeric suffix of {@code source.file} ({@code mysql-bin.000003} is
 *       3). Binlog files are numbered in order, so a later file always wins. Limit: &lt; 2^30.</li>
 *   <li>{@code pos}: Debezium's {@code source.pos} is the position where the change's
 *       <em>transaction</em> starts (its GTID/BEGIN event), not the rows event: the fixtures show
 *       every change of one transaction with the same pos, and {@code source.row} restarting at 0
 *       in each rows event. So pos orders transactions only.</li>
 *   <li>{@code k}: the change's index inside its transaction, {@code transaction.total_order - 1}
 *       (Debezium fills the envelope's {@code transaction} block when the connector has
 *       {@code provide.transaction.metadata=true}). Every row change takes at least one byte of
 *       its transaction's binlog bytes (a row image has at least a null bitmap), and the next
 *       transaction starts after all of them, so {@code pos + k} is strictly below the next
 *       transaction's pos: no bits are spent on k. Limit: {@code pos + k < 2^32} (the classic binlog
 *       position limit). Without transaction metadata k is {@code source.row}, which orders rows of
 *       one rows event only; {@code version.strict=true} (default) makes that case an error instead
 *       of giving two changes of one transaction the same version.</li>
 *   <li>{@code streamed}: 0 for snapshot reads, 1 for binlog changes. A snapshot row carries the
 *       binlog position the snapshot started at; every streamed change of that row comes from a
 *       transaction at that position or later, so it gets a higher version even at the same pos.</li>
 * </ul>
 *
 * Limits (in the README too): versions compare only within one source server's binlog (a failover
 * to a server with other file numbering restarts the sequence); MariaDB's compressed binlog
 * ({@code log_bin_compress}) can pack more row changes than bytes into a transaction, which would
 * break the {@code pos + k} argument. A component out of range is an error, never a silent wrap.
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
     * @param pos      {@code source.pos}, where the change's transaction starts
     * @param k        the change's index in its transaction ({@code transaction.total_order - 1})
     * @param snapshot whether the record is a snapshot read
     */
    public static long of(String file, long pos, long k, boolean snapshot) {
        return compose(fileNumber(file), pos, k, snapshot);
    }

    static long compose(long fileNumber, long pos, long k, boolean snapshot) {
        if (fileNumber < 0 || fileNumber > MAX_FILE_NUMBER) {
            throw new DataException("source.file number " + fileNumber + " is outside 0.." + MAX_FILE_NUMBER
                    + ": it does not fit the 30 bits of _version");
        }
        if (pos < 0 || k < 0) {
            throw new DataException("source.pos " + pos + " and the order in the transaction " + k
                    + " must not be negative");
        }
        long position = pos + k;
        if (position > MAX_POSITION) {
            throw new DataException("source.pos + order in transaction = " + pos + " + " + k + " exceeds "
                    + MAX_POSITION + ": it does not fit the 32 bits of _version");
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
