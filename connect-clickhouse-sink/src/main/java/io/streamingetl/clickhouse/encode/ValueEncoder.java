package io.streamingetl.clickhouse.encode;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one non-null canonical value in RowBinary for one ClickHouse type. Built once per plan. */
@FunctionalInterface
public interface ValueEncoder {
    void encode(OutputStream out, Object value) throws IOException;
}
