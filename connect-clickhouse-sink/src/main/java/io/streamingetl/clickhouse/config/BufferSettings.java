package io.streamingetl.clickhouse.config;

/**
 * When a buffer is inserted, and how much heap all buffers of a task may take.
 *
 * @param minInsertIntervalMs adaptive flushing; -1: off
 */
public record BufferSettings(int maxRows, long maxBytes, long flushIntervalMs, long minInsertIntervalMs) {
}
