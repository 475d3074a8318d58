#!/usr/bin/env bash
# A private PostgreSQL cluster for `make server` and `make test`.
#
#   scripts/pg.sh start DIR   initdb DIR if needed, start on a free port (127.0.0.1 and a
#                             socket in DIR only); prints the admin DATABASE_URL, also
#                             written to DIR/url. PG_TEST=1 turns fsync off (tests). As root it runs as the `postgres` user
#                             (initdb refuses root).
#   scripts/pg.sh stop DIR    fast shutdown of that cluster (by its postmaster.pid).
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?data folder}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

bindir=${PG_BINDIR:-}
if [[ -z $bindir ]]; then
  if command -v initdb >/dev/null 2>&1; then bindir=$(dirname "$(command -v initdb)")
  else bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  fi
fi
[[ -x $bindir/initdb ]] || { echo "initdb not found: run 'make setup' (installs postgresql-15)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  if [[ $(id -u) == 0 ]]; then
    # The data folder must be reachable by the postgres user.
    chown postgres: "$dir"; chmod 700 "$dir"
    p=$dir; while [[ $p != / ]]; do p=$(dirname "$p"); chmod o+x "$p" 2>/dev/null || true; done
    user=postgres
  else
    user=$(id -un)
  fi
  if [[ ! -f $dir/data/PG_VERSION ]]; then
    as_owner "$bindir/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --no-sync >/dev/null
  fi
  if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    cat "$dir/url"; exit 0
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 ${PG_TEST:+-c fsync=off -c synchronous_commit=off}" start >/dev/null
  echo "postgres://$user@127.0.0.1:$port/postgres" | tee "$dir/url"
  ;;
stop)
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
  fi
  ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
