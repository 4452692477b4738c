#!/usr/bin/env bash
# Runs the local stack's command line (up | down [--purge] | status) from the built jars.
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -Xmx256m -cp "local-stack/target/local-stack.jar:local-stack/target/lib/*" \
  -Dstreamingetl.repo.root="$PWD" -Dlog4j2.level=WARN \
  io.streamingetl.localstack.cli.LocalStackCli "$@"
