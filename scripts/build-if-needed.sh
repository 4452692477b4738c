#!/usr/bin/env bash
# Builds the plugin archives and the local stack unless an up-to-date build is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# In target/: ./terminate.sh --purge empties .local-stack/ and must not force a rebuild; mvn clean does.
stamp=local-stack/target/build.stamp
mkdir -p .local-stack
if [ -f "$stamp" ] && [ -f local-stack/target/local-stack.jar ] && [ -d packaging/target/plugins ] \
   && [ -f enrichment-streams/target/enrichment-streams.jar ] \
   && [ -z "$(find . -path ./.local-stack -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
echo "Building the plugins and the local stack (mvn install -DskipTests) ..."
mvn -B -q install -DskipTests
touch "$stamp"
