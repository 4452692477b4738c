-- People per city: distinct persons with at least one live address in the city (= the reference
-- view streaming_etl_db.people_per_city). Needs 01-person-enriched.sql (table enriched_rows).
--   ksql> RUN SCRIPT '/ksql/02-people-per-city.sql';
-- Counts go down as well as up: both steps are table aggregations, which subtract a row's old
-- value when it changes or is deleted. A city whose count reaches 0 is written with people = 0
-- and _deleted = 1, so ClickHouse's FINAL drops it.
-- _version: ksqlDB's table aggregates cannot carry "the newest input version" (MAX cannot be
-- undone), so the city's version is the offset of its change in the aggregate's own changelog
-- (ROWOFFSET): deterministic for a record and growing for a city (one city, one partition). The
-- Kafka Streams twin uses the binlog version of the causing change instead; both only ever grow.

SET 'auto.offset.reset' = 'earliest';

CREATE TABLE IF NOT EXISTS city_person WITH (KAFKA_TOPIC = 'streaming_etl.ksql.city_person',
    KEY_FORMAT = 'JSON', VALUE_FORMAT = 'JSON', PARTITIONS = 1) AS
SELECT `city`, `person_id`, SUM(1 - `_deleted`) AS `addresses`
FROM enriched_rows GROUP BY `city`, `person_id` EMIT CHANGES;

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
              `_version` := ROWOFFSET) AS `payload`
FROM city_people_changes PARTITION BY STRUCT(
           `schema` := STRUCT(`type` := 'struct', `name` := 'streaming_etl.people_per_city.Key', `optional` := false,
               `fields` := ARRAY[STRUCT(`field` := 'city', `type` := 'string', `optional` := false)]),
           `payload` := STRUCT(`city` := `city`))
EMIT CHANGES;
