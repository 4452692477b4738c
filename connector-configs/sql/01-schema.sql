-- The source database of the pipeline: MySQL 8 in the Docker stack (mounted into
-- /docker-entrypoint-initdb.d), MariaDB in local mode (run by deploy.sh through JDBC).
-- Relationships: address.person_id -> person.id, geo.address_id -> address.id (one geo point per
-- address). The foreign keys have no ON DELETE CASCADE on purpose: cascaded changes are not
-- written to the row binlog, so CDC would never see them; delete children first.

CREATE DATABASE IF NOT EXISTS streaming_etl_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS streaming_etl_db.person (
    id          INT          NOT NULL AUTO_INCREMENT,
    first_name  VARCHAR(100) NOT NULL,
    last_name   VARCHAR(100) NOT NULL,
    email       VARCHAR(255) NULL,
    birth_date  DATE         NULL,
    created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS streaming_etl_db.address (
    id          INT          NOT NULL AUTO_INCREMENT,
    person_id   INT          NOT NULL,
    street      VARCHAR(200) NOT NULL,
    city        VARCHAR(100) NOT NULL,
    postal_code VARCHAR(20)  NULL,
    country     CHAR(2)      NOT NULL,
    updated_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY idx_address_person (person_id),
    CONSTRAINT fk_address_person FOREIGN KEY (person_id) REFERENCES streaming_etl_db.person (id)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS streaming_etl_db.geo (
    id          INT           NOT NULL AUTO_INCREMENT,
    address_id  INT           NOT NULL,
    latitude    DECIMAL(9, 6) NOT NULL,
    longitude   DECIMAL(9, 6) NOT NULL,
    updated_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_geo_address (address_id),
    CONSTRAINT fk_geo_address FOREIGN KEY (address_id) REFERENCES streaming_etl_db.address (id)
) ENGINE = InnoDB;

-- Debezium's signal table: an INSERT here asks the connector for an incremental snapshot of a
-- table (scripts/snapshot-table.sh), e.g. one that existed before it was captured. Debezium also
-- writes its snapshot window markers here. The sink does not copy it to ClickHouse.
CREATE TABLE IF NOT EXISTS streaming_etl_db.dbz_signal (
    id   VARCHAR(42)   NOT NULL,
    type VARCHAR(32)   NOT NULL,
    data VARCHAR(2048) NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB;
