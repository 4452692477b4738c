#!/usr/bin/env bash
# Installs what building and running the project needs and the machine lacks (Debian/apt):
# a JDK 17+, Maven, npm (fetches ClickHouse's libchdb), gcc (builds its small host) and
# util-linux (setsid/setpriv). Everything else comes through Maven or the project's own code.
set -euo pipefail

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need java openjdk-17-jdk-headless
need javac openjdk-17-jdk-headless
need mvn maven
need npm npm
need gcc gcc
need setsid util-linux
need setpriv util-linux
need curl curl
for extra in "$@"; do
  need "${extra%%:*}" "${extra#*:}"
done

if [ ${#missing[@]} -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  echo "Installing missing tools: $packages"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if [ "${java_major%%.*}" -lt 17 ]; then
  echo "Java 17 or later is needed; 'java' is version $java_major" >&2
  exit 1
fi
