#!/usr/bin/env bash
# Signed /win throughput and latency on SQLite, on PostgreSQL with one replica, and on
# PostgreSQL with three replicas behind haproxy (round robin), one after the other in the
# same run, with the shared load generator (examples/bench/slash_load.sh).
#
#   examples/scale_out.sh POSTGRES_ADMIN_URL [DURATION_S] [CONNECTIONS]
#   e.g. examples/scale_out.sh postgres://postgres@127.0.0.1:5432/postgres 10 32
#
# Needs a release build (cargo build --release), wrk, haproxy and psql. Each run gets a fresh
# database (a temp SQLite file; a new PostgreSQL database created through the admin URL).
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN=$1 DURATION=${2:-10} CONNS=${3:-32}
LOAD=${LOAD:-examples/bench/slash_load.sh}
BIN=./target/release/momentum
SECRET=s3cret
export SLACK_SIGNING_SECRET=$SECRET SLACK_BOT_TOKEN=xoxb-bench SLACK_API_URL=http://127.0.0.1:9/ RUST_LOG=warn
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_healthy() { for _ in $(seq 200); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.05; done; echo "no health on $1" >&2; exit 1; }
fresh_pg() {
  local name="bench_$(date +%s%N)"
  psql "$ADMIN" -qtAc "CREATE DATABASE $name" >/dev/null
  echo "${ADMIN%/*}/$name"
}

echo "== SQLite, one process"
db=$(mktemp -d)/bench.db
DATABASE_URL="sqlite://$db" PORT=3101 $BIN serve & pids+=($!); wait_healthy 3101
BENCH_DB=$db BENCH_SERVER_PID=${pids[-1]} BENCH_LABEL=sqlite "$LOAD" http://127.0.0.1:3101/slack/commands $SECRET "$DURATION" "$CONNS" | tail -12
cleanup; pids=()

echo "== PostgreSQL, one replica"
url=$(fresh_pg)
DATABASE_URL=$url PORT=3102 $BIN serve & pids+=($!); wait_healthy 3102
BENCH_COUNT_CMD="psql $url -tAc 'SELECT COUNT(*) FROM wins'" BENCH_SERVER_PID=${pids[-1]} BENCH_LABEL=pg1 \
  "$LOAD" http://127.0.0.1:3102/slack/commands $SECRET "$DURATION" "$CONNS" | tail -12
cleanup; pids=()

echo "== PostgreSQL, three replicas behind haproxy"
url=$(fresh_pg)
for port in 3111 3112 3113; do
  DATABASE_URL=$url PORT=$port $BIN serve & pids+=($!)
done
for port in 3111 3112 3113; do wait_healthy $port; done
cfg=$(mktemp)
cat > "$cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend momentum
  bind 127.0.0.1:3110
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /healthz
  server r1 127.0.0.1:3111 check
  server r2 127.0.0.1:3112 check
  server r3 127.0.0.1:3113 check
CFG
haproxy -f "$cfg" -q & pids+=($!)
sleep 0.5
BENCH_COUNT_CMD="psql $url -tAc 'SELECT COUNT(*) FROM wins'" BENCH_LABEL=pg3 \
  "$LOAD" http://127.0.0.1:3110/slack/commands $SECRET "$DURATION" "$CONNS" | tail -12
