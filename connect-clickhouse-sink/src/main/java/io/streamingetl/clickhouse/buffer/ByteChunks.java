package io.streamingetl.clickhouse.buffer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoded rows of one buffer: a list of byte chunks growing from 8 KiB to 1 MiB, so small tables
 * stay small and large ones are never copied. {@link #mark()}/{@link #resetToMark()} undo a row
 * whose encoding failed half way.
 */
public final class ByteChunks extends OutputStream {
    private static final int FIRST = 1024; // small: an idle table's buffer costs little (many tables, one budget)
    private static final int MAX = 1024 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[FIRST];
    private int pos;
    private long fullBytes;

    private int markChunks;
    private int markPos;
    private long markFullBytes;

    @Override
    public void write(int b) {
        if (pos == current.length) {
            next();
        }
        current[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (pos == current.length) {
                next();
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(b, off, current, pos, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    private void next() {
        full.add(current);
        fullBytes += current.length;
        current = new byte[Math.min(MAX, current.length * 2)];
        pos = 0;
    }

    public long size() {
        return fullBytes + pos;
    }

    /** Bytes allocated for the chunks, written or not: what the buffers cost the heap. */
    public long capacity() {
        return fullBytes + current.length;
    }

    public void mark() {
        markChunks = full.size();
        markPos = pos;
        markFullBytes = fullBytes;
    }

    /** Drops everything written since {@link #mark()}. */
    public void resetToMark() {
        if (full.size() > markChunks) {
            current = full.get(markChunks);
            while (full.size() > markChunks) {
                full.remove(full.size() - 1);
            }
        }
        pos = markPos;
        fullBytes = markFullBytes;
    }

    /** Where the last {@link #mark()} was set: the start of the row being written. */
    public long markPosition() {
        return markFullBytes + markPos;
    }

    public void writeTo(OutputStream out) throws IOException {
        for (byte[] c : full) {
            out.write(c, 0, c.length);
        }
        out.write(current, 0, pos);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive). */
    public void writeTo(OutputStream out, long from, long to) throws IOException {
        long chunkStart = 0;
        for (int i = 0; i <= full.size() && chunkStart < to; i++) {
            byte[] c = i < full.size() ? full.get(i) : current;
            int len = i < full.size() ? c.length : pos;
            long chunkEnd = chunkStart + len;
            if (chunkEnd > from) {
                int a = (int) Math.max(0, from - chunkStart);
                int b = (int) Math.min(len, to - chunkStart);
                out.write(c, a, b - a);
            }
            chunkStart = chunkEnd;
        }
    }
}
