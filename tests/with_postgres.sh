#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: Debian's postgresql package (installed
# here if it is missing and we may), a temporary data directory, loopback only, started as a
# non-root user, stopped and removed afterwards. The command finds the server in
# TEST_DATABASE_URL (and its pg_ctl and data directory in TEST_POSTGRES_CTL and
# TEST_POSTGRES_DATA).  Usage: tests/with_postgres.sh COMMAND [ARGS...]
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
# In the server's own config, so that a benchmark can stop and start it again as it was.
# Durability is not what tests measure: without fsync a schema is made in milliseconds.
cat >>"$datadir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$datadir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
"${as_server_user[@]}" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w start >/dev/null
"${as_server_user[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U decisionbot decisionbot_test

export TEST_DATABASE_URL="postgresql://decisionbot@127.0.0.1:$port/decisionbot_test"
# For bench/database_faults.py, which stops the server and starts it again.
export TEST_POSTGRES_CTL="$bindir/pg_ctl" TEST_POSTGRES_DATA="$datadir"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
