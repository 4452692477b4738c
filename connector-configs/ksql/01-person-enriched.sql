-- The enrichment join and the people-per-city aggregate in ksqlDB (Docker stack: ksqlDB 7.9).
-- Run in the CLI:  docker exec -it ksqldb-cli ksql http://ksqldb-server:8088
--                  ksql> RUN SCRIPT '/ksql/01-person-enriched.sql';
-- Local mode runs the same logic in Kafka Streams (enrichment-streams/); both write the same two
-- topics in the same format, taken by connector-configs/sink/clickhouse-sink-enriched.json.
--
-- Formats. In the Docker stack the Connect worker writes the SMT's rows as Avro through the
-- Schema Registry, so the source streams below take their columns from the registry (field names
-- keep their lower case: quote them with backticks). DECIMAL(9,6) and DATE arrive as ksqlDB
-- DECIMAL and DATE. The outputs are written as JsonConverter JSON WITH schemas,
-- {"schema": {...}, "payload": {...}}: a `schema` column built from constants and a `payload`
-- column (the Kafka Streams twin writes the same bytes in local mode), and the enriched sink
-- config names JsonConverter for itself. JsonConverter reads the DECIMAL numbers ksqlDB writes
-- into Connect Decimals and the DATE day numbers into Connect Dates, so the sink creates
-- Decimal(9,6) and Date32 columns as for the CDC tables.
--
-- Deletes. The SMT keeps soft deletes (_deleted = 1 with the before image, no tombstone). The
-- tables below KEEP those rows (they carry the delete's _version) and every join is a LEFT join:
-- "address without a live person" and "address deleted" become an output row with _deleted = 1
-- and a higher _version, which ClickHouse's ReplacingMergeTree(_version, _deleted) turns into a
-- delete. Filtering deleted rows out before the join would turn them into tombstones and lose the
-- version that must win in ClickHouse.
--
-- Semantics (= the reference view streaming_etl_db.person_enriched, connector-configs/sql/04-views.sql):
-- one row per address, address INNER JOIN person, LEFT JOIN geo. An address whose person has not
-- arrived (late parent) is a deleted row until the person arrives; an address without geo has
-- NULL geo columns. _version = the highest _version among the address, its person and its geo
-- slot: the binlog version of the newest change the row reflects.

SET 'auto.offset.reset' = 'earliest';

-- 1. The SMT's topics, read as they are (columns from the Schema Registry; the key is ignored:
--    the row carries its id).
CREATE STREAM IF NOT EXISTS person_cdc
WITH (KAFKA_TOPIC = 'dbserver.streaming_etl_db.person', KEY_FORMAT = 'NONE', VALUE_FORMAT = 'AVRO');

CREATE STREAM IF NOT EXISTS address_cdc
WITH (KAFKA_TOPIC = 'dbserver.streaming_etl_db.address', KEY_FORMAT = 'NONE', VALUE_FORMAT = 'AVRO');

CREATE STREAM IF NOT EXISTS geo_cdc
WITH (KAFKA_TOPIC = 'dbserver.streaming_etl_db.geo', KEY_FORMAT = 'NONE', VALUE_FORMAT = 'AVRO');

-- 2. Re-keyed by id into plain JSON topics, and tables over them: the latest row per id (topic
--    order is binlog order), soft-deleted rows included.
CREATE STREAM IF NOT EXISTS person_by_id WITH (KAFKA_TOPIC = 'streaming_etl.ksql.person', KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `id` AS `id`, `first_name` AS `first_name`, `last_name` AS `last_name`,
       `email` AS `email`, `birth_date` AS `birth_date`,
       `_deleted` AS `_deleted`, `_version` AS `_version`
FROM person_cdc PARTITION BY `id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS person_latest (
    `id` INT PRIMARY KEY, `first_name` VARCHAR, `last_name` VARCHAR, `email` VARCHAR, `birth_date` DATE,
    `_deleted` INT, `_version` BIGINT
) WITH (KAFKA_TOPIC = 'streaming_etl.ksql.person', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE STREAM IF NOT EXISTS address_by_id WITH (KAFKA_TOPIC = 'streaming_etl.ksql.address', KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `id` AS `id`, `person_id` AS `person_id`, `street` AS `street`,
       `city` AS `city`, `postal_code` AS `postal_code`, `country` AS `country`,
       `_deleted` AS `_deleted`, `_version` AS `_version`
FROM address_cdc PARTITION BY `id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS address_latest (
    `id` INT PRIMARY KEY, `person_id` INT, `street` VARCHAR, `city` VARCHAR, `postal_code` VARCHAR,
    `country` VARCHAR, `_deleted` INT, `_version` BIGINT
) WITH (KAFKA_TOPIC = 'streaming_etl.ksql.address', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE STREAM IF NOT EXISTS geo_by_id WITH (KAFKA_TOPIC = 'streaming_etl.ksql.geo', KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `id` AS `id`, `address_id` AS `address_id`, `latitude` AS `latitude`,
       `longitude` AS `longitude`, `_deleted` AS `_deleted`, `_version` AS `_version`
FROM geo_cdc PARTITION BY `id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS geo_latest (
    `id` INT PRIMARY KEY, `address_id` INT, `latitude` DECIMAL(9, 6), `longitude` DECIMAL(9, 6), `_deleted` INT, `_version` BIGINT
) WITH (KAFKA_TOPIC = 'streaming_etl.ksql.geo', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

-- 3. geo by address. ksqlDB cannot re-key a table except by an aggregation, so the geo stream is
--    re-keyed by address_id instead: geo_slot says which geo point last named the address. That
--    point may have moved on or been deleted since (the SMT carries no before image, so the old
--    address is not told); step 5 checks the slot against geo_latest, whose change also re-fires
--    the join for the address the point left, with the version of that change.
CREATE STREAM IF NOT EXISTS geo_by_address WITH (KAFKA_TOPIC = 'streaming_etl.ksql.geo_by_address',
    KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `address_id` AS `address_id`, `id` AS `geo_id`, `_version` AS `slot_version`
FROM geo_cdc PARTITION BY `address_id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS geo_slot (`address_id` INT PRIMARY KEY, `geo_id` INT, `slot_version` BIGINT)
WITH (KAFKA_TOPIC = 'streaming_etl.ksql.geo_by_address', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

-- 4. address -> person: a foreign-key LEFT join (a person update re-emits all its addresses; an
--    address changing person_id moves to the new person).
CREATE TABLE IF NOT EXISTS address_person WITH (KAFKA_TOPIC = 'streaming_etl.ksql.address_person',
    KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT a.`id` AS `address_id`, a.`person_id` AS `person_id`, a.`street` AS `street`, a.`city` AS `city`,
       a.`postal_code` AS `postal_code`, a.`country` AS `country`, a.`_deleted` AS `a_deleted`,
       a.`_version` AS `a_version`, p.`first_name` AS `first_name`, p.`last_name` AS `last_name`,
       p.`email` AS `email`, p.`birth_date` AS `birth_date`, p.`_deleted` AS `p_deleted`, p.`_version` AS `p_version`
FROM address_latest a LEFT JOIN person_latest p ON a.`person_id` = p.`id` EMIT CHANGES;

-- 5. + the geo slot (primary-key join), then the slot's geo point (foreign-key LEFT join), which
--    counts only while it still names this address and is not deleted.
CREATE TABLE IF NOT EXISTS address_person_slot WITH (KAFKA_TOPIC = 'streaming_etl.ksql.address_person_slot',
    KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT ap.`address_id` AS `address_id`, ap.`person_id` AS `person_id`, ap.`street` AS `street`, ap.`city` AS `city`,
       ap.`postal_code` AS `postal_code`, ap.`country` AS `country`, ap.`a_deleted` AS `a_deleted`,
       ap.`a_version` AS `a_version`, ap.`first_name` AS `first_name`, ap.`last_name` AS `last_name`,
       ap.`email` AS `email`, ap.`birth_date` AS `birth_date`, ap.`p_deleted` AS `p_deleted`,
       ap.`p_version` AS `p_version`, s.`geo_id` AS `slot_geo_id`, s.`slot_version` AS `slot_version`
FROM address_person ap LEFT JOIN geo_slot s ON ap.`address_id` = s.`address_id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS enriched_rows WITH (KAFKA_TOPIC = 'streaming_etl.ksql.enriched_rows',
    KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT x.`address_id` AS `address_id`, x.`person_id` AS `person_id`,
       CASE WHEN x.`p_deleted` = 0 THEN x.`first_name` ELSE CAST(NULL AS VARCHAR) END AS `first_name`,
       CASE WHEN x.`p_deleted` = 0 THEN x.`last_name` ELSE CAST(NULL AS VARCHAR) END AS `last_name`,
       CASE WHEN x.`p_deleted` = 0 THEN x.`email` ELSE CAST(NULL AS VARCHAR) END AS `email`,
       CASE WHEN x.`p_deleted` = 0 THEN x.`birth_date` ELSE CAST(NULL AS DATE) END AS `birth_date`,
       x.`street` AS `street`, x.`city` AS `city`, x.`postal_code` AS `postal_code`, x.`country` AS `country`,
       CASE WHEN g.`address_id` = x.`address_id` AND g.`_deleted` = 0 THEN g.`id` ELSE CAST(NULL AS INT) END AS `geo_id`,
       CASE WHEN g.`address_id` = x.`address_id` AND g.`_deleted` = 0 THEN g.`latitude` ELSE CAST(NULL AS DECIMAL(9, 6)) END AS `latitude`,
       CASE WHEN g.`address_id` = x.`address_id` AND g.`_deleted` = 0 THEN g.`longitude` ELSE CAST(NULL AS DECIMAL(9, 6)) END AS `longitude`,
       CASE WHEN x.`a_deleted` = 0 AND x.`p_deleted` = 0 THEN 0 ELSE 1 END AS `_deleted`,
       GREATEST(x.`a_version`, COALESCE(x.`p_version`, CAST(0 AS BIGINT)), COALESCE(x.`slot_version`, CAST(0 AS BIGINT)),
                COALESCE(g.`_version`, CAST(0 AS BIGINT))) AS `_version`
FROM address_person_slot x LEFT JOIN geo_latest g ON x.`slot_geo_id` = g.`id` EMIT CHANGES;

-- 6. The output topic, as Connect JSON with schemas (what the sink and the Kafka Streams twin use):
--    key {"schema": …, "payload": {"address_id": N}}, value {"schema": …, "payload": {…}}.
--    A stream over the table's changelog, so key and value can be any expression.
CREATE STREAM IF NOT EXISTS enriched_changes (
    `address_id` INT KEY, `person_id` INT, `first_name` VARCHAR, `last_name` VARCHAR, `email` VARCHAR,
    `birth_date` DATE, `street` VARCHAR, `city` VARCHAR, `postal_code` VARCHAR, `country` VARCHAR, `geo_id` INT,
    `latitude` DECIMAL(9, 6), `longitude` DECIMAL(9, 6), `_deleted` INT, `_version` BIGINT
) WITH (KAFKA_TOPIC = 'streaming_etl.ksql.enriched_rows', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

CREATE STREAM IF NOT EXISTS person_enriched WITH (KAFKA_TOPIC = 'streaming_etl.person_enriched',
    KEY_FORMAT = 'JSON', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT STRUCT(
           `schema` := STRUCT(`type` := 'struct', `name` := 'streaming_etl.person_enriched.Key', `optional` := false,
               `fields` := ARRAY[STRUCT(`field` := 'address_id', `type` := 'int32', `optional` := false)]),
           `payload` := STRUCT(`address_id` := `address_id`)) AS `k`,
       STRUCT(`type` := 'struct', `name` := 'streaming_etl.person_enriched.Value', `optional` := false, `fields` := ARRAY[
           STRUCT(`field` := 'address_id', `type` := 'int32', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'person_id', `type` := 'int32', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'first_name', `type` := 'string', `optional` := true, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'last_name', `type` := 'string', `optional` := true, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'email', `type` := 'string', `optional` := true, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'birth_date', `type` := 'int32', `optional` := true, `name` := 'org.apache.kafka.connect.data.Date', `version` := 1, `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'street', `type` := 'string', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'city', `type` := 'string', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'postal_code', `type` := 'string', `optional` := true, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'country', `type` := 'string', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'geo_id', `type` := 'int32', `optional` := true, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := 'latitude', `type` := 'bytes', `optional` := true, `name` := 'org.apache.kafka.connect.data.Decimal', `version` := 1, `parameters` := MAP('scale' := '6', 'connect.decimal.precision' := '9')),
           STRUCT(`field` := 'longitude', `type` := 'bytes', `optional` := true, `name` := 'org.apache.kafka.connect.data.Decimal', `version` := 1, `parameters` := MAP('scale' := '6', 'connect.decimal.precision' := '9')),
           STRUCT(`field` := '_deleted', `type` := 'int8', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>)),
           STRUCT(`field` := '_version', `type` := 'int64', `optional` := false, `name` := CAST(NULL AS VARCHAR), `version` := CAST(NULL AS INT), `parameters` := CAST(NULL AS MAP<VARCHAR, VARCHAR>))
       ]) AS `schema`,
       STRUCT(`address_id` := `address_id`, `person_id` := `person_id`, `first_name` := `first_name`,
              `last_name` := `last_name`, `email` := `email`, `birth_date` := `birth_date`, `street` := `street`,
              `city` := `city`, `postal_code` := `postal_code`, `country` := `country`, `geo_id` := `geo_id`,
              `latitude` := `latitude`, `longitude` := `longitude`, `_deleted` := `_deleted`,
              `_version` := `_version`) AS `payload`
FROM enriched_changes PARTITION BY STRUCT(
           `schema` := STRUCT(`type` := 'struct', `name` := 'streaming_etl.person_enriched.Key', `optional` := false,
               `fields` := ARRAY[STRUCT(`field` := 'address_id', `type` := 'int32', `optional` := false)]),
           `payload` := STRUCT(`address_id` := `address_id`))
EMIT CHANGES;
