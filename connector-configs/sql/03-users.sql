-- streaming_etl: the demo user that may change the data (password is a local demo default).
-- debezium: the CDC user, with the grants Debezium's MySQL/MariaDB connectors ask for.
-- REPLICATION CLIENT is accepted by both MySQL 8 and MariaDB (where it means BINLOG MONITOR).
CREATE USER IF NOT EXISTS 'streaming_etl'@'%' IDENTIFIED BY 'streaming_etl';
GRANT ALL PRIVILEGES ON streaming_etl_db.* TO 'streaming_etl'@'%';

CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED BY 'dbz';
GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'debezium'@'%';
-- Incremental snapshots: Debezium writes its window markers into the signal table.
GRANT INSERT, UPDATE, DELETE ON streaming_etl_db.dbz_signal TO 'debezium'@'%';

FLUSH PRIVILEGES;
