package io.streamingetl.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a MySQL/MariaDB DDL statement renames: tables ({@code RENAME TABLE a TO b, c TO d},
 * {@code ALTER TABLE a RENAME TO b}) and columns ({@code RENAME COLUMN a TO b}, {@code CHANGE
 * [COLUMN] a b ...}). Debezium's schema-change events carry the tables' new definitions but not
 * what was renamed from what; that is only in the statement's text. Identifiers may be quoted with
 * backticks; comments and string literals are skipped; everything else in the statement is ignored.
 */
final class DdlText {
    /** A table, its database null when the statement does not name one. */
    record TableName(String db, String table) {
        TableName in(String defaultDb) {
            return db == null ? new TableName(defaultDb, table) : this;
        }
    }

    record TableRename(TableName from, TableName to) {
    }

    record ColumnRename(String from, String to) {
    }

    private enum Kind { WORD, QUOTED_NAME, STRING, PUNCT }

    private final List<String> tokens = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();
    private int i;

    private DdlText(String ddl) {
        tokenize(ddl);
    }

    /** The table renames of {@code ddl}, in statement order (later pairs may reuse earlier names: a swap). */
    static List<TableRename> tableRenames(String ddl) {
        return new DdlText(ddl).parseTableRenames();
    }

    /** The column renames of an ALTER TABLE statement, in statement order. */
    static List<ColumnRename> columnRenames(String ddl) {
        return new DdlText(ddl).parseColumnRenames();
    }

    private List<TableRename> parseTableRenames() {
        List<TableRename> out = new ArrayList<>();
        if (keyword(0, "RENAME") && keyword(1, "TABLE")) {
            i = 2;
            while (i < tokens.size()) {
                TableName from = tableName();
                if (!accept("TO")) {
                    break;
                }
                TableName to = tableName();
                if (from == null || to == null) {
                    break;
                }
                out.add(new TableRename(from, to));
                if (!acceptPunct(",")) {
                    break;
                }
            }
            return out;
        }
        TableName altered = alteredTable();
        if (altered == null) {
            return out;
        }
        for (int clause : clauses()) {
            i = clause;
            if (accept("RENAME") && !keyword(i, "COLUMN") && !keyword(i, "INDEX") && !keyword(i, "KEY")) {
                if (!accept("TO")) {
                    accept("AS");
                }
                TableName to = tableName();
                if (to != null) {
                    out.add(new TableRename(altered, to));
                }
            }
        }
        return out;
    }

    private List<ColumnRename> parseColumnRenames() {
        List<ColumnRename> out = new ArrayList<>();
        if (alteredTable() == null) {
            return out;
        }
        for (int clause : clauses()) {
            i = clause;
            if (accept("RENAME") && accept("COLUMN")) {
                acceptIfExists();
                String from = identifier();
                if (accept("TO")) {
                    String to = identifier();
                    if (from != null && to != null) {
                        out.add(new ColumnRename(from, to));
                    }
                }
            } else if (accept("CHANGE")) {
                accept("COLUMN");
                acceptIfExists();
                String from = identifier();
                String to = identifier();
                if (from != null && to != null && !from.equals(to)) {
                    out.add(new ColumnRename(from, to));
                }
            }
        }
        return out;
    }

    /** {@code ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] name}: the name, with i after it; else null. */
    private TableName alteredTable() {
        i = 0;
        if (!accept("ALTER")) {
            return null;
        }
        accept("ONLINE");
        accept("IGNORE");
        if (!accept("TABLE")) {
            return null;
        }
        acceptIfExists();
        return tableName();
    }

    /** The start index of each top-level comma-separated clause from i on. */
    private List<Integer> clauses() {
        List<Integer> out = new ArrayList<>();
        int depth = 0;
        int start = i;
        for (int k = i; k < tokens.size(); k++) {
            if (kinds.get(k) != Kind.PUNCT) {
                continue;
            }
            String t = tokens.get(k);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                depth--;
            } else if (t.equals(",") && depth == 0) {
                out.add(start);
                start = k + 1;
            }
        }
        if (start < tokens.size()) {
            out.add(start);
        }
        return out;
    }

    private void acceptIfExists() {
        if (keyword(i, "IF") && keyword(i + 1, "EXISTS")) {
            i += 2;
        }
    }

    private TableName tableName() {
        String first = identifier();
        if (first == null) {
            return null;
        }
        if (acceptPunct(".")) {
            String second = identifier();
            return second == null ? null : new TableName(first, second);
        }
        return new TableName(null, first);
    }

    private String identifier() {
        if (i >= tokens.size()) {
            return null;
        }
        if (kinds.get(i) != Kind.WORD && kinds.get(i) != Kind.QUOTED_NAME) {
            return null;
        }
        return tokens.get(i++);
    }

    private boolean accept(String keyword) {
        if (keyword(i, keyword)) {
            i++;
            return true;
        }
        return false;
    }

    private boolean acceptPunct(String p) {
        if (i < tokens.size() && kinds.get(i) == Kind.PUNCT && tokens.get(i).equals(p)) {
            i++;
            return true;
        }
        return false;
    }

    private boolean keyword(int at, String keyword) {
        return at < tokens.size() && kinds.get(at) == Kind.WORD && tokens.get(at).toUpperCase(Locale.ROOT).equals(keyword);
    }

    private void tokenize(String s) {
        int n = s.length();
        int k = 0;
        while (k < n) {
            char c = s.charAt(k);
            if (Character.isWhitespace(c)) {
                k++;
            } else if ((c == '-' && k + 1 < n && s.charAt(k + 1) == '-') || c == '#') {
                while (k < n && s.charAt(k) != '\n') {
                    k++;
                }
            } else if (c == '/' && k + 1 < n && s.charAt(k + 1) == '*') {
                int end = s.indexOf("*/", k + 2);
                k = end < 0 ? n : end + 2;
            } else if (c == '`') {
                StringBuilder b = new StringBuilder();
                k++;
                while (k < n) {
                    char d = s.charAt(k);
                    if (d == '`') {
                        if (k + 1 < n && s.charAt(k + 1) == '`') {
                            b.append('`');
                            k += 2;
                            continue;
                        }
                        k++;
                        break;
                    }
                    b.append(d);
                    k++;
                }
                add(b.toString(), Kind.QUOTED_NAME);
            } else if (c == '\'' || c == '"') {
                k++;
                while (k < n && s.charAt(k) != c) {
                    k += s.charAt(k) == '\\' ? 2 : 1;
                }
                k++;
                add("", Kind.STRING);
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int start = k;
                while (k < n && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_' || s.charAt(k) == '$')) {
                    k++;
                }
                add(s.substring(start, k), Kind.WORD);
            } else {
                add(String.valueOf(c), Kind.PUNCT);
                k++;
            }
        }
    }

    private void add(String token, Kind kind) {
        tokens.add(token);
        kinds.add(kind);
    }
}
