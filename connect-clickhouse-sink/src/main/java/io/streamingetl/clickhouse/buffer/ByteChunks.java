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
    private static final int FIRST = 8 * 1024;
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

    public void writeTo(OutputStream out) throws IOException {
        for (byte[] c : full) {
            out.write(c, 0, c.length);
        }
        out.write(current, 0, pos);
    }
}
