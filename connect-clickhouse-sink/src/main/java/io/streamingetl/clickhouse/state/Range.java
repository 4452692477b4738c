package io.streamingetl.clickhouse.state;

/** An inclusive offset range [first, last] inserted (or about to be) as one INSERT. */
public record Range(long first, long last) {
}
