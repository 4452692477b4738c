#!/usr/bin/env bash
# Docker mode of deploy.sh/terminate.sh: the docker-compose.yml stack.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f docker-compose.yml ]; then
  echo "docker-compose.yml is not part of this version yet; use ./deploy.sh --local" >&2
  exit 1
fi
echo "Docker mode is not implemented yet; use ./deploy.sh --local" >&2
exit 1
