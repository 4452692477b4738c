#!/usr/bin/env bash
# Stops what ./deploy.sh started. --purge also deletes the data (local: .local-stack/,
# Docker: the named volumes). Harmless to run twice.
#
# Without local-stack/target/local-stack.jar (after mvn clean) the local mode's processes are
# stopped from their pid files ("pid start-millis", written by local-stack's PidFile): a process is
# signalled only while it is still the one recorded (same pid and start instant, the check PidFile
# makes), with TERM to its process group, then KILL after STREAMINGETL_STOP_GRACE_SECONDS (30).
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

# The process's start instant in epoch milliseconds, computed as the JDK's ProcessHandle does on
# Linux (boot time + /proc/<pid>/stat field 22 in clock ticks), and its process group; nothing
# and status 1 when the process is gone (a zombie is gone: it runs no more).
proc_identity() {
  local stat rest f
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }             # the command name may hold spaces and parentheses
  read -r -a f <<<"$rest"       # f[0] is field 3 (state), f[2] field 5 (pgrp), f[19] field 22
  [ "${f[0]}" != Z ] && [ "${f[0]}" != X ] || return 1
  echo "$(( boot_ms + f[19] * 1000 / clock_ticks )) ${f[2]}"
}

# Whether the recorded process (pid, start millis) still runs.
recorded_alive() {
  local id
  id=$(proc_identity "$1") || return 1
  [ "${id%% *}" = "$2" ]
}

await_gone() { # pid start seconds
  local i
  for (( i = 0; i < $3 * 10; i++ )); do
    recorded_alive "$1" "$2" || return 0
    sleep 0.1
  done
  ! recorded_alive "$1" "$2"
}

signal_error=
signal() { # signal target; the reason in $signal_error when it fails
  local msg
  if msg=$(kill -"$1" -- "$2" 2>&1); then return 0; fi
  signal_error=${msg##*kill: }
  return 1
}

not_stopped() { # name pid file reason
  echo "error: $1 (pid $2, pid file $3) would not stop ($4); left it running and its pid file in place" >&2
}

# Stops one recorded component; status 1 (after saying so on stderr) when it would not stop.
stop_recorded() {
  local name=$1 file=$2 pid start rest id pgid target
  read -r pid start rest <"$file" || true
  if ! [[ "$pid" =~ ^[0-9]+$ && "$start" =~ ^[0-9]+$ ]]; then
    # As PidFile: a pid without its start instant cannot be told from a reused one.
    printf '  %-10s not running (pid file %s names no process to verify)\n' "$name" "$file"
    rm -f "$file"; return 0
  fi
  if ! id=$(proc_identity "$pid") || [ "${id%% *}" != "$start" ]; then
    printf '  %-10s not running\n' "$name"
    rm -f "$file"; return 0
  fi
  pgid=${id##* }
  # deploy.sh starts each component in its own session (setsid): it leads its process group.
  target=$pid
  if [ "$pgid" = "$pid" ]; then target=-$pid; fi
  printf '  %-10s stopping (pid %d) ...\n' "$name" "$pid"
  if ! signal TERM "$target" && recorded_alive "$pid" "$start"; then
    not_stopped "$name" "$pid" "$file" "kill -TERM: $signal_error"; return 1
  fi
  if ! await_gone "$pid" "$start" "$grace"; then
    echo "  $name (pid $pid) did not stop within ${grace}s of TERM: sending KILL" >&2
    if ! signal KILL "$target" && recorded_alive "$pid" "$start"; then
      not_stopped "$name" "$pid" "$file" "kill -KILL: $signal_error"; return 1
    fi
    if ! await_gone "$pid" "$start" 30; then
      not_stopped "$name" "$pid" "$file" "still running 30s after KILL"; return 1
    fi
  fi
  # What is left of its group once it is gone (the pgid is not reused while the group has members).
  if [ "$target" != "$pid" ]; then signal KILL "$target" || true; fi
  rm -f "$file"
}

failed=
home="${STREAMINGETL_HOME:-.local-stack}"
if [ -d "$home/run" ] || [ -d "$home/data" ]; then
  if [ -f local-stack/target/local-stack.jar ]; then
    scripts/local-stack.sh down $purge
  else
    echo "local-stack is not built; stopping recorded processes by pid" >&2
    grace="${STREAMINGETL_STOP_GRACE_SECONDS:-30}"
    if ! [[ "$grace" =~ ^[0-9]+$ ]]; then
      echo "STREAMINGETL_STOP_GRACE_SECONDS must be a number of seconds, got: $grace" >&2; exit 2
    fi
    if [ -r /proc/stat ] && boot_s=$(awk '/^btime /{print $2; exit}' /proc/stat) && [[ "$boot_s" =~ ^[0-9]+$ ]] \
        && clock_ticks=$(getconf CLK_TCK) && [[ "$clock_ticks" =~ ^[1-9][0-9]*$ ]]; then
      boot_ms=$(( boot_s * 1000 ))
      # The order LocalStackCli down uses: the worker commits offsets to Kafka while it stops.
      files=()
      for name in enrichment connect kafka clickhouse mariadb registry; do files+=("$home/run/$name.pid"); done
      for f in "$home"/run/*.pid; do
        case " ${files[*]} " in *" $f "*) ;; *) files+=("$f") ;; esac
      done
      for f in "${files[@]}"; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .pid)
        stop_recorded "$name" "$f" || failed="$failed $name"
      done
    else
      echo "error: no /proc here to tell the recorded processes from others; build local-stack" \
        "(mvn -pl local-stack -am package) and run terminate.sh again" >&2
      failed=" (unverifiable)"
    fi
    if [ -n "$failed" ]; then
      [ -z "$purge" ] || echo "not purging $home: processes of it still run" >&2
    elif [ -n "$purge" ]; then
      echo "  purging $home"
      rm -rf "$home"
    fi
  fi
fi
if [ -f docker-compose.yml ] && command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
  scripts/docker-stack.sh down $purge
fi
if [ -n "$failed" ]; then
  echo "Not stopped:$failed" >&2
  exit 1
fi
echo "Stopped."
