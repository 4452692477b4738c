-- People per city: distinct persons with at least one live address in the city (= the reference
-- view streaming_etl_db.people_per_city). Needs 01-person-enriched.sql (table enriched_rows).
--   ksql> RUN SCRIPT '/ksql/02-people-per-city.sql';
-- Counts go down as well as up: both steps are table aggregations, which subtract a row's old
-- value when it changes or is deleted. A city whose count reaches 0 is written with people = 0
-- and _deleted = 1, so ClickHouse's FINAL drops it.
-- _version: the binlog version of the newest change that reached the city, as in the Kafka
-- Streams twin. ksqlDB's table aggregates cannot take MAX (it cannot be undone), but Kafka Streams
-- stamps every table-aggregate result with max(input record time, previous result time). So the
-- aggregates read the enriched rows with their _version as record time (enriched_rows_versioned,
-- TIMESTAMP = '_version'), and each city's ROWTIME is then the highest _version that touched it:
-- deterministic, never lower for a city, and unchanged when the queries are rebuilt from scratch
-- (unlike ROWOFFSET, the offset in the aggregate's output topic, which restarts at 0).
-- These record times lie in 1970 (a version is not a wall-clock time): the topics that carry them
-- (streaming_etl.ksql.city_person, streaming_etl.ksql.city_people, streaming_etl.people_per_city)
-- must not expire by time. scripts/docker-stack.sh creates every streaming_etl.* topic compacted
-- before these statements run.

SET 'auto.offset.reset' = 'earliest';

CREATE TABLE IF NOT EXISTS enriched_rows_versioned (
    `address_id` INT PRIMARY KEY, `person_id` INT, `city` VARCHAR, `_deleted` INT, `_version` BIGINT
) WITH (KAFKA_TOPIC = 'streaming_etl.ksql.enriched_rows', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON',
    TIMESTAMP = '_version');

CREATE TABLE IF NOT EXISTS city_person WITH (KAFKA_TOPIC = 'streaming_etl.ksql.city_person',
    KEY_FORMAT = 'JSON', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `city`, `person_id`, SUM(1 - `_deleted`) AS `addresses`
FROM enriched_rows_versioned GROUP BY `city`, `person_id` EMIT CHANGES;

CREATE TABLE IF NOT EXISTS city_people WITH (KAFKA_TOPIC = 'streaming_etl.ksql.city_people',
    KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `city`, SUM(CASE WHEN `addresses` > 0 THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END) AS `people`
FROM city_person GROUP BY `city` EMIT CHANGES;

CREATE STREAM IF NOT EXISTS city_people_changes (`city` VARCHAR KEY, `people` BIGINT)
WITH (KAFKA_TOPIC = 'streaming_etl.ksql.city_people', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');

-- The output topic as Connect JSON with schemas, like streaming_etl.person_enriched.
CREATE STREAM IF NOT EXISTS people_per_city WITH (KAFKA_TOPIC = 'streaming_etl.people_per_city',
    KEY_FORMAT = 'JSON', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT STRUCT(
           `schema` := STRUCT(`type` := 'struct', `name` := 'streaming_etl.people_per_city.Key', `optional` := false,
               `fields` := ARRAY[STRUCT(`field` := 'city', `type` := 'string', `optional` := false)]),
           `payload` := STRUCT(`city` := `city`)) AS `k`,
       STRUCT(`type` := 'struct', `name` := 'streaming_etl.people_per_city.Value', `optional` := false, `fields` := ARRAY[
           STRUCT(`field` := 'city', `type` := 'string', `optional` := false),
           STRUCT(`field` := 'people', `type` := 'int64', `optional` := false),
           STRUCT(`field` := '_deleted', `type` := 'int8', `optional` := false),
           STRUCT(`field` := '_version', `type` := 'int64', `optional` := false)
       ]) AS `schema`,
       STRUCT(`city` := `city`, `people` := `people`,
              `_deleted` := CASE WHEN `people` = 0 THEN 1 ELSE 0 END,
              `_version` := ROWTIME) AS `payload`
FROM city_people_changes PARTITION BY STRUCT(
           `schema` := STRUCT(`type` := 'struct', `name` := 'streaming_etl.people_per_city.Key', `optional` := false,
               `fields` := ARRAY[STRUCT(`field` := 'city', `type` := 'string', `optional` := false)]),
           `payload` := STRUCT(`city` := `city`))
EMIT CHANGES;
