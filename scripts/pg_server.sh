#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests and benchmarks: installed from Debian's
# packages if missing, initialised in a temporary folder as a non-root user, listening on
# 127.0.0.1 only. Prints the superuser URL on stdout (the last line); stop it with
#   scripts/pg_server.sh stop DIR
#
#   url=$(scripts/pg_server.sh start /tmp/salesproc-pg 54329 | tail -1)
set -euo pipefail

action=${1:-start}
dir=${2:-/tmp/salesproc-pg}
port=${3:-54329}

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin=$candidate
done

if [ "$action" = stop ]; then
    [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ] || exit 0
    owner=$(stat -c %U "$dir/data")
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$owner" -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    else
        "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    fi
    exit 0
fi

if [ -z "$bin" ]; then
    echo "PostgreSQL is not installed: installing postgresql-15 from Debian's packages" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >&2
    for candidate in /usr/lib/postgresql/*/bin; do
        [ -x "$candidate/initdb" ] && bin=$candidate
    done
fi

# the server refuses to run as root: as root, run it as the `postgres` user (made if missing)
run=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    run=(runuser -u postgres --)
fi

if [ -f "$dir/data/postmaster.pid" ]; then
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
"${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
