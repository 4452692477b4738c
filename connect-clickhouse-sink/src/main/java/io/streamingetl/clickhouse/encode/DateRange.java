package io.streamingetl.clickhouse.encode;

import java.time.LocalDate;

/**
 * The days a server's Date32 and DateTime64 columns read back as written. RowBinary is not range
 * checked by the server, so a day outside this range is refused here (record to the DLQ) rather
 * than stored and shown as another day.
 */
public record DateRange(int minDay, int maxDay) {
    /**
     * ClickHouse 26.7 and later (DateTime64 beyond 1900..2299, ClickHouse PR 107907): every day of
     * MySQL's DATE and DATETIME range, 1000-01-01..9999-12-31, round-trips exactly (tested on 26.7).
     */
    public static final DateRange MYSQL = of(LocalDate.of(1000, 1, 1), LocalDate.of(9999, 12, 31));
    /** Older servers (e.g. 25.3 LTS): the documented 1900..2299; outside it they clamp. */
    public static final DateRange CLASSIC = of(LocalDate.of(1900, 1, 1), LocalDate.of(2299, 12, 31));

    private static DateRange of(LocalDate min, LocalDate max) {
        return new DateRange((int) min.toEpochDay(), (int) max.toEpochDay());
    }

    long minSecond() {
        return minDay * 86_400L;
    }

    long maxSecond() {
        return (maxDay + 1L) * 86_400L - 1;
    }
}
