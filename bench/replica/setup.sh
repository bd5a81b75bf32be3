#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL 15 cluster, on loopback, for the replica
# integration test (tests/integration/read-replica.test.ts), CI (.ci/run) and the load bench.
#
#   bench/replica/setup.sh start [PORT]   # (re)create it: prints its base URL on the last line
#   bench/replica/setup.sh stop  [PORT]   # stop it and delete its data folder
#
# PORT defaults to 5433; the data folder is /tmp/beatwise-replica-PORT. `start` first stops and
# deletes a replica left in that folder by an earlier run, then:
#  1. lets the primary (127.0.0.1:5432, user postgres) accept replication connections from 127.0.0.1:
#     appends `host replication all 127.0.0.1/32 trust` to its pg_hba.conf if no replication line for
#     127.0.0.1 is there, and reloads it. That is the ONE change to the primary's configuration
#     (wal_level=replica and max_wal_senders=10 are PostgreSQL 15's defaults). No replication slot
#     is made, so a replica that is not stopped never holds WAL on the primary.
#  2. pg_basebackup -R (standby.signal + primary_conninfo) -X stream -c fast into the folder;
#  3. writes the standby's own postgresql.conf (the Debian cluster's lives in /etc, not in the data
#     folder): its port, loopback only, hot_standby, hot_standby_feedback, the primary's limits;
#  4. starts it and waits until it is a standby that has replayed the primary's position of step 2
#     (LSNs, not sleeps).
# Runs the PostgreSQL programs as the postgres user when started as root.
set -euo pipefail

ACTION=${1:-start}
PORT=${2:-5433}
DIR=/tmp/beatwise-replica-$PORT
PRIMARY="-h 127.0.0.1 -p 5432 -U postgres"
BIN=/usr/lib/postgresql/15/bin

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
q() { psql $PRIMARY -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }
rq() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atqc "$1"; }

stop() {
	if [ -f "$DIR/postmaster.pid" ]; then
		as_pg "$BIN/pg_ctl" -D "$DIR" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$DIR"
}

case "$ACTION" in
stop)
	stop
	exit 0
	;;
start) ;;
*)
	echo "usage: $0 start|stop [PORT]" >&2
	exit 2
	;;
esac

stop >&2
if pg_isready -h 127.0.0.1 -p "$PORT" -q; then
	echo "port $PORT is taken by a server that is not this script's replica ($DIR): choose another port" >&2
	exit 1
fi

# 1. Replication connections from loopback.
HBA=$(q 'SHOW hba_file')
if [ "$(q "SELECT count(*) FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND address = '127.0.0.1' AND error IS NULL")" = 0 ]; then
	echo "== primary: adding 'host replication all 127.0.0.1/32 trust' to $HBA" >&2
	printf '\n# Added by beatwise bench/replica/setup.sh: streaming replicas on loopback\nhost replication all 127.0.0.1/32 trust\n' >>"$HBA"
	q 'SELECT pg_reload_conf()' >/dev/null
fi

# 2. Base backup, with the standby's recovery settings.
echo "== pg_basebackup into $DIR" >&2
mkdir -p "$DIR"
chmod 700 "$DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$DIR" -R -X stream -c fast \
	--no-sync -d "application_name=beatwise-replica-$PORT" >&2
TARGET=$(q 'SELECT pg_current_wal_lsn()')

# 3. The standby's own configuration (hot standby needs at least the primary's limits).
setting() { q "SHOW $1"; }
cat >"$DIR/postgresql.conf" <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
hot_standby_feedback = on
max_connections = $(setting max_connections)
max_worker_processes = $(setting max_worker_processes)
max_wal_senders = $(setting max_wal_senders)
max_prepared_transactions = $(setting max_prepared_transactions)
max_locks_per_transaction = $(setting max_locks_per_transaction)
shared_buffers = 64MB
fsync = off
logging_collector = off
EOF
cat >"$DIR/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
rm -f "$DIR/postmaster.pid" "$DIR/postmaster.opts"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"/*.conf

# 4. Start and wait for replay (pg_ctl -w waits until it accepts connections).
as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 120 start >&2
for _ in $(seq 1 600); do
	if [ "$(rq "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '$TARGET'::pg_lsn" 2>/dev/null)" = t ]; then
		echo "postgres://postgres@127.0.0.1:$PORT"
		exit 0
	fi
	sleep 0.2
done
echo "the replica on port $PORT did not replay up to $TARGET; see $DIR/server.log" >&2
exit 1
