#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: Debian's postgresql package (installed
# here if it is missing and we may), a temporary data directory, loopback only, started as a
# non-root user, stopped and removed afterwards. The command finds the server in
# TEST_DATABASE_URL.  Usage: tests/with_postgres.sh COMMAND [ARGS...]
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed: run 'sudo apt-get install postgresql' (Debian/Ubuntu), then try again." >&2
    exit 1
  fi
  echo "Installing PostgreSQL (Debian's postgresql package) for the tests..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# PostgreSQL refuses to run as root: as root, the server runs as the package's postgres user.
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_server_user=(runuser -u postgres --)
fi

datadir=$(mktemp -d /tmp/decisionbot-pg.XXXXXX)
chmod 700 "$datadir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$datadir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_server_user[@]}" "$bindir/pg_ctl" -D "$datadir" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$datadir"
}
trap stop EXIT

"${as_server_user[@]}" "$bindir/initdb" -D "$datadir" -U decisionbot --auth=trust -E UTF8 >/dev/null
# Durability is not what tests measure: without fsync a schema is made in milliseconds.
"${as_server_user[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -o \
  "-h 127.0.0.1 -p $port -k $datadir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
"${as_server_user[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U decisionbot decisionbot_test

export TEST_DATABASE_URL="postgresql://decisionbot@127.0.0.1:$port/decisionbot_test"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
