#!/usr/bin/env bash
# A private PostgreSQL server for the test suite and the benchmark, on 127.0.0.1 only.
#
#   tests/pg.sh start        install PostgreSQL if needed, create the cluster, start it, print its URL
#   tests/pg.sh url          print the URL of the running server
#   tests/pg.sh stop         stop the server
#   tests/pg.sh run CMD...   start (unless running), run CMD with SHANGLIANG_TEST_DATABASE_URL set, stop
#
# The cluster lives in .pg/ of the checkout (data/, the unix socket, the log). PostgreSQL refuses
# to run as root, so as root the server runs as the `postgres` system user, which may not be able
# to enter the checkout (a clone in root's home folder or in a `mktemp -d` folder is private): then
# the cluster lives in /var/tmp/shangliang-pg-<hash of the checkout path>, owned by postgres, so
# each checkout keeps its own. PG_FAST=1 turns off fsync for the test suite; the benchmark keeps
# the durable defaults.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$(id -u)" = 0 ]; then
    PGDIR="/var/tmp/shangliang-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
else
    PGDIR="$ROOT/.pg"
fi
DATA="$PGDIR/data"

ensure_installed() {
    if [ ! -d /usr/lib/postgresql ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
}

as_server() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$PGDIR" && runuser -u postgres -- "$@")  # from a folder the server's user may enter
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

running() {
    [ -f "$PGDIR/port" ] && [ -f "$DATA/postmaster.pid" ] && as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() {
    echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$PGDIR/port")/postgres"
}

start() {
    ensure_installed
    if [ "$(id -u)" = 0 ]; then
        if [ -L "$PGDIR" ] || { [ -e "$PGDIR" ] && [ "$(stat -c %U "$PGDIR")" != postgres ]; }; then
            echo "$PGDIR exists and is not the postgres user's folder: remove it" >&2
            exit 1
        fi
        install -d -o postgres -g postgres -m 700 "$PGDIR"
    else
        mkdir -p "$PGDIR"
    fi
    if running; then url; return; fi
    if [ ! -f "$DATA/PG_VERSION" ]; then
        as_server "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    local port options
    port="$(free_port)"
    # max_wal_size: checkpoints far enough apart for the bench's million-topic load (commits stay synced).
    options="-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=50 -c max_wal_size=4GB"
    if [ "${PG_FAST:-0}" = 1 ]; then
        options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_server "$BIN/pg_ctl" -D "$DATA" -l "$PGDIR/server.log" -o "$options" -w -t 60 start >/dev/null
    echo "$port" >"$PGDIR/port"
    url
}

stop() {
    ensure_installed
    if running; then as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
    rm -f "$PGDIR/port"
}

run() {
    ensure_installed
    local started=0 status=0
    if ! running; then
        start >/dev/null
        started=1
        trap stop INT TERM
    fi
    SHANGLIANG_TEST_DATABASE_URL="$(url)" "$@" || status=$?
    if [ "$started" = 1 ]; then stop; fi
    return "$status"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) ensure_installed; running && url ;;
    run) shift; run "$@" ;;
    *) echo "usage: $0 start|stop|url|run CMD..." >&2; exit 2 ;;
esac
