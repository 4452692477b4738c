package io.streamingetl.localstack.mariadb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a MySQL or MariaDB server needs before Debezium and this pipeline can capture it, checked as
 * the account Debezium will use, each problem with the setting or grant that fixes it: a row
 * binlog with full images, event-level positions (the SMT's {@code _version}), the grants
 * Debezium's docs list, the databases, a server id of its own, and binlogs kept long enough.
 */
public final class SourcePreflight {

    /** Problems stop the deploy; notes are printed and the deploy goes on. */
    public record Result(boolean mariaDb, String version, List<String> problems, List<String> notes) {
    }

    private static final Pattern GLOBAL_GRANT = Pattern.compile("^GRANT (.+) ON \\*\\.\\* TO ", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATABASE_GRANT = Pattern.compile("^GRANT (.+) ON `([^`]+)`\\.\\* TO ",
            Pattern.CASE_INSENSITIVE);

    private SourcePreflight() {
    }

    public static Result check(SourceConnection source, String who, List<String> databases, long debeziumServerId) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (Connection c = source.connect()) {
            String version = scalar(c, "SELECT VERSION()");
            boolean mariaDb = version.toLowerCase(Locale.ROOT).contains("mariadb");
            if (!"1".equals(scalar(c, "SELECT @@GLOBAL.log_bin"))) {
                problems.add("binary logging is off: set log_bin (e.g. log-bin=mysql-bin) in the server's configuration"
                        + " and restart it");
            }
            requireSetting(c, "binlog_format", "ROW", problems);
            requireSetting(c, "binlog_row_image", "FULL", problems);
            String legacyPos = variable(c, "binlog_legacy_event_pos");
            if (legacyPos != null && !"ON".equalsIgnoreCase(legacyPos)) {
                problems.add("binlog_legacy_event_pos is " + legacyPos + ": the _version of each change is built from"
                        + " each event's own binlog position; set binlog_legacy_event_pos=ON (SET GLOBAL and in the"
                        + " server's configuration) before the pipeline starts");
            }
            String compression = variable(c, "binlog_transaction_compression");
            if ("ON".equalsIgnoreCase(compression)) {
                problems.add("binlog_transaction_compression is ON: compressed transactions carry one position for"
                        + " all their rows; set it OFF");
            }
            if ("ON".equalsIgnoreCase(variable(c, "log_bin_compress"))) {
                problems.add("log_bin_compress is ON: compressed events carry no row positions of their own; set it OFF");
            }
            if (String.valueOf(debeziumServerId).equals(scalar(c, "SELECT @@GLOBAL.server_id"))) {
                problems.add("the server's own server_id is " + debeziumServerId + ", the database.server.id Debezium"
                        + " uses to join as a replica; give the source connector another database.server.id");
            }
            checkGrants(c, who, databases, mariaDb, problems);
            for (String db : databases) {
                if (count(c, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                        + db.replace("'", "''") + "'") == 0) {
                    problems.add("database '" + db + "' does not exist on the source (or " + who + " cannot see it)");
                }
            }
            retention(c, notes);
            return new Result(mariaDb, version, problems, notes);
        } catch (SQLException e) {
            problems.add("cannot connect as " + who + ": " + e.getMessage());
            return new Result(false, "?", problems, notes);
        }
    }

    private static void requireSetting(Connection c, String name, String wanted, List<String> problems)
            throws SQLException {
        String value = variable(c, name);
        if (value != null && !wanted.equalsIgnoreCase(value)) {
            problems.add(name + " is " + value + "; Debezium needs " + wanted + ": set " + name + "=" + wanted
                    + " in the server's configuration ([mysqld]) and restart it, or SET GLOBAL " + name + " = '"
                    + wanted + "' (sessions opened later only)");
        }
    }

    /**
     * The grants Debezium's MySQL connector lists, read from SHOW GRANTS (REPLICATION CLIENT is
     * BINLOG MONITOR on MariaDB); SHOW MASTER STATUS is tried as well, since roles may grant it.
     */
    private static void checkGrants(Connection c, String who, List<String> databases, boolean mariaDb,
                                    List<String> problems) throws SQLException {
        Set<String> global = new HashSet<>();
        Set<String> selectable = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                String line = rs.getString(1);
                Matcher g = GLOBAL_GRANT.matcher(line);
                if (g.find()) {
                    for (String privilege : g.group(1).split(",")) {
                        global.add(privilege.trim().toUpperCase(Locale.ROOT));
                    }
                }
                Matcher d = DATABASE_GRANT.matcher(line);
                if (d.find() && (d.group(1).toUpperCase(Locale.ROOT).contains("SELECT")
                        || d.group(1).toUpperCase(Locale.ROOT).contains("ALL PRIVILEGES"))) {
                    selectable.add(d.group(2));
                }
            }
        }
        if (global.contains("ALL PRIVILEGES")) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String privilege : List.of("RELOAD", "SHOW DATABASES", "REPLICATION SLAVE")) {
            if (!global.contains(privilege)) {
                missing.add(privilege);
            }
        }
        String client = mariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT";
        if (!global.contains("REPLICATION CLIENT") && !global.contains("BINLOG MONITOR") && !canReadBinlogStatus(c)) {
            missing.add(client);
        }
        if (!global.contains("SELECT")) {
            for (String db : databases) {
                if (!selectable.contains(db)) {
                    missing.add("SELECT");
                    break;
                }
            }
        }
        if (!missing.isEmpty()) {
            problems.add(who + " lacks " + String.join(", ", missing) + ": GRANT SELECT, RELOAD, SHOW DATABASES,"
                    + " REPLICATION SLAVE, " + client + " ON *.* TO " + who);
        }
    }

    private static boolean canReadBinlogStatus(Connection c) {
        for (String sql : List.of("SHOW MASTER STATUS", "SHOW BINARY LOG STATUS")) {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return true;
            } catch (SQLException e) {
                // denied, or this server spells it the other way
            }
        }
        return false;
    }

    /** How long the server keeps binlogs: an outage longer than that needs a new snapshot. */
    private static void retention(Connection c, List<String> notes) throws SQLException {
        String seconds = variable(c, "binlog_expire_logs_seconds");
        long keep = seconds == null ? 0 : Long.parseLong(seconds);
        if (keep == 0) {
            String days = variable(c, "expire_logs_days");
            keep = days == null ? 0 : (long) (Double.parseDouble(days) * 86_400);
        }
        if (keep == 0) {
            notes.add("binlogs are never purged by the server (binlog_expire_logs_seconds=0): watch its disk");
        } else if (keep < 3 * 86_400) {
            notes.add("binlogs are kept " + keep / 3600 + " h: a pipeline outage longer than that needs a new"
                    + " snapshot; consider binlog_expire_logs_seconds of several days");
        }
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        return Long.parseLong(scalar(c, sql));
    }
}
