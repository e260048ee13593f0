#!/usr/bin/env bash
# A throwaway local PostgreSQL server for the `postgres` target (development and tests).
#
#   scripts/start_postgres.sh start DATA_DIR [PORT]   # initdb if needed, start on 127.0.0.1:PORT
#   scripts/start_postgres.sh stop DATA_DIR
#
# Uses the server binaries of the Debian package (apt-get install postgresql), found with
# pg_config, in /usr/lib/postgresql/<version>/bin or on PATH. The server listens on loopback
# only, trusts local connections (no password) and runs without fsync: it is for tests, not for
# data you keep. `start` creates the role and database `lead_scoring` (the profile's defaults)
# and prints the environment for dbt and scripts/load_raw_tables.py. As root, the server runs
# as the `postgres` user (PostgreSQL refuses to run as root); DATA_DIR must then be reachable
# by that user (e.g. under /tmp).
set -euo pipefail

usage() {
    sed -n '2,6p' "$0" >&2
    exit 2
}

find_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir)"
        if [[ -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    fi
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    echo "error: PostgreSQL server binaries not found; install them with: apt-get install postgresql" >&2
    exit 2
}

# Run a server binary as a user PostgreSQL accepts.
as_server_user() {
    if [[ "$(id -u)" == "0" ]]; then
        if ! id postgres >/dev/null 2>&1; then
            echo "error: running as root and there is no 'postgres' user to run the server as" >&2
            exit 2
        fi
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

[[ $# -ge 2 ]] || usage
command="$1"
data_dir="$(realpath -m "$2")"
port="${3:-5432}"
bindir="$(find_bindir)"

case "$command" in
    start)
        mkdir -p "$data_dir"
        if [[ "$(id -u)" == "0" ]]; then
            if ! runuser -u postgres -- test -x "$(dirname "$data_dir")"; then
                echo "error: the postgres user cannot reach $(dirname "$data_dir"); use a folder it can open (e.g. under /tmp)" >&2
                exit 2
            fi
            chown postgres: "$data_dir"
        fi
        if [[ ! -f "$data_dir/PG_VERSION" ]]; then
            as_server_user "$bindir/initdb" -D "$data_dir" -U postgres --auth=trust \
                --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        fi
        if as_server_user "$bindir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
            echo "error: a server is already running on $data_dir; stop it first" >&2
            exit 2
        fi
        as_server_user "$bindir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$data_dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c datestyle='ISO, MDY' -c timezone=UTC" \
            start >/dev/null
        psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
        if [[ -z "$("${psql[@]}" -tAc "select 1 from pg_roles where rolname = 'lead_scoring'")" ]]; then
            "${psql[@]}" -c "create role lead_scoring login"
        fi
        if [[ -z "$("${psql[@]}" -tAc "select 1 from pg_database where datname = 'lead_scoring'")" ]]; then
            "${psql[@]}" -c "create database lead_scoring owner lead_scoring"
        fi
        echo "PostgreSQL $(cat "$data_dir/PG_VERSION") on 127.0.0.1:$port (data in $data_dir, log in $data_dir/server.log)"
        echo "export LEAD_SCORING_TARGET=postgres LEAD_SCORING_PG_HOST=127.0.0.1 LEAD_SCORING_PG_PORT=$port LEAD_SCORING_PG_USER=lead_scoring LEAD_SCORING_PG_DATABASE=lead_scoring"
        ;;
    stop)
        if [[ -f "$data_dir/postmaster.pid" ]]; then
            as_server_user "$bindir/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
        fi
        ;;
    *)
        usage
        ;;
esac
