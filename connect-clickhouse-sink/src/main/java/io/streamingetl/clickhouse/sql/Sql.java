package io.streamingetl.clickhouse.sql;

/** Quoting of identifiers and string literals reaching SQL. */
public final class Sql {
    private Sql() {
    }

    /** A ClickHouse identifier in backquotes, with backslash and backquote escaped. */
    public static String quote(String identifier) {
        StringBuilder b = new StringBuilder(identifier.length() + 2).append('`');
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            if (c == '`' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('`').toString();
    }

    /** A string literal in single quotes, with backslash and quote escaped. */
    public static String literal(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('\'').toString();
    }
}
