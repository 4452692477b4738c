#!/usr/bin/env bash
# Runs every test of the project against real Kafka, Connect, Debezium, MariaDB and ClickHouse,
# which the tests start themselves (no Docker). Installs missing tools first; Maven fetches the
# jars, the project's code fetches ClickHouse (npm) and unpacks MariaDB (Maven Central).
set -euo pipefail
cd "$(dirname "$0")"
# docker-compose: the Docker stack is validated statically (no Docker engine here);
# stunnel4 and openssl: the TLS test puts https in front of ClickHouse with a self-signed certificate;
# chromium and chromium-driver: ConsoleBrowserTest drives the pipeline console in a real browser.
scripts/ensure-tools.sh docker-compose:docker-compose stunnel:stunnel4 openssl:openssl \
  chromium:chromium chromedriver:chromium-driver
mvn -B verify "$@"
