package io.streamingetl.localstack.mariadb;

import io.streamingetl.localstack.Ports;
import io.streamingetl.localstack.Wait;
import io.streamingetl.localstack.process.Commands;
import io.streamingetl.localstack.process.ManagedProcess;
import io.streamingetl.localstack.process.ServerProcess;
import io.streamingetl.localstack.process.ManagedProcess.Lifetime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MariaDB with a ROW binlog (the MySQL stand-in), as its own process on 127.0.0.1.
 * The data directory is created on first start and reused after a restart.
 */
public final class MariaDbServer extends ServerProcess implements SourceConnection {
    private final Path dataDir;
    private final int port;
    private final Lifetime lifetime;
    private String timeZone;

    public MariaDbServer(Path dataDir, int port, Lifetime lifetime) {
        super(Duration.ofSeconds(30));
        this.dataDir = dataDir;
        this.port = port;
        this.lifetime = lifetime;
    }

    public static MariaDbServer forTests(Path dataDir) {
        return new MariaDbServer(dataDir, Ports.free(), Lifetime.TIED);
    }

    /**
     * The server's zone (TZ, with {@code time_zone=SYSTEM}) instead of +00:00: a zone with DST,
     * in which sessions write TIMESTAMPs unless they set their own.
     */
    public MariaDbServer timeZone(String zone) {
        this.timeZone = zone;
        return this;
    }

    public synchronized MariaDbServer start() {
        if (isRunning()) {
            return this;
        }
        Ports.requireFree(port, "MariaDB");
        MariaDbDistribution dist = MariaDbDistribution.ensure();
        boolean fresh = !Files.exists(dataDir.resolve("mysql"));
        if (fresh) {
            Commands.run(dist.baseDir(), List.of(dist.installDb().toString(), "--no-defaults",
                    "--basedir=" + dist.baseDir(), "--datadir=" + dataDir, "--user=root",
                    "--auth-root-authentication-method=normal", "--skip-test-db"), 300);
        }
        List<String> cmd = new ArrayList<>();
        if (lifetime == Lifetime.TIED) {
            // mariadbd cannot watch our stdin; the kernel ends it when the thread that started it dies.
            cmd.addAll(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        }
        cmd.addAll(List.of(dist.mariadbd().toString(), "--no-defaults",
                "--basedir=" + dist.baseDir(), "--datadir=" + dataDir, "--user=root",
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socketFile(),
                "--pid-file=" + dataDir.resolve("mysqld.pid"),
                "--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                // Each event's own position in the binlog, as MySQL 8 reports it (MariaDB 11.4's
                // default gives every event of a transaction the transaction's start): _version
                // is built from event-level positions, and every test then sees what MySQL does.
                "--binlog-legacy-event-pos=ON",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                timeZone == null ? "--default-time-zone=+00:00" : "--default-time-zone=SYSTEM", "--skip-name-resolve",
                "--innodb-buffer-pool-size=128M", "--max-connections=200",
                // 11.4 generates a TLS certificate at every start (3-17 s here, the "silent gap" before
                // the socket opens); clients connect over loopback without TLS anyway.
                "--skip-ssl"));
        process = ManagedProcess.start("mariadb", cmd, timeZone == null ? Map.of() : Map.of("TZ", timeZone),
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), lifetime);
        ManagedProcess p = process;
        Wait.until("MariaDB on 127.0.0.1:" + port, Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("MariaDB exited; log " + p.logFile() + ":\n" + p.logTail(30));
            }
            return canConnect();
        }, () -> "\n" + p.logTail(30));
        if (fresh) {
            // mariadb-install-db's anonymous users shadow 'user'@'%' for clients on 127.0.0.1.
            execute("DELETE FROM mysql.global_priv WHERE user = ''", "FLUSH PRIVILEGES");
        }
        return this;
    }

    /**
     * The Unix socket (unused by us: clients connect over TCP, but mariadbd always opens one): in
     * the data folder, unless that path is longer than a socket address holds (107 bytes), as in a
     * worktree with a longer path; then in the temp folder, named after the data folder.
     */
    private Path socketFile() {
        Path inData = dataDir.toAbsolutePath().resolve("mysqld.sock");
        if (inData.toString().getBytes(StandardCharsets.UTF_8).length <= 107) {
            return inData;
        }
        String id = Integer.toHexString(dataDir.toAbsolutePath().normalize().toString().hashCode());
        return Path.of(System.getProperty("java.io.tmpdir"), "streamingetl-mariadb-" + id + ".sock");
    }

    private boolean canConnect() {
        try (Connection ignored = connect()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** A connection as root (no password; the server listens on loopback only). */
    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(""), "root", "");
    }

    public void execute(String... statements) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * The user Debezium connects as, with the grants its docs ask for. REPLICATION CLIENT shows as
     * BINLOG MONITOR on MariaDB.
     */
    public void createCdcUser(String user, String password) {
        execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + password.replace("'", "''") + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '"
                        + user + "'@'%'",
                "FLUSH PRIVILEGES");
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }
}
