package io.streamingetl.clickhouse.ddl;

import io.streamingetl.clickhouse.encode.DateRange;

/**
 * What the sink adapts to in the server it writes to, read once: whether Time64 columns can be
 * created without extra settings (26.7 does; servers before 25.6 have no Time64), and the days
 * Date32 and DateTime64 read back as written.
 */
public record ServerFeatures(boolean time64, DateRange dates) {
}
