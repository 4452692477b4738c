#!/usr/bin/env bash
# Stops what ./deploy.sh started. --purge also deletes the data (local: .local-stack/,
# Docker: the named volumes). Harmless to run twice.
set -euo pipefail
cd "$(dirname "$0")"

purge=
for arg in "$@"; do
  case "$arg" in
    --purge) purge=--purge ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

home="${STREAMINGETL_HOME:-.local-stack}"
if [ -d "$home/run" ] || [ -d "$home/data" ]; then
  if [ -f local-stack/target/local-stack.jar ]; then
    scripts/local-stack.sh down $purge
  else
    echo "local-stack is not built; stopping recorded processes by pid" >&2
    for f in "$home"/run/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$f"
    done
    if [ -n "$purge" ]; then rm -rf "$home"; fi
  fi
fi
if [ -f docker-compose.yml ] && command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
  scripts/docker-stack.sh down $purge
fi
echo "Stopped."
