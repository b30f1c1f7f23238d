#!/usr/bin/env bash
# Momentum's hot paths under load: signed /win and /touch requests at 1, 32 and 256 connections, with
# req/s, p50/p90/p99 and rows stored vs 2xx answered, plus start-up time, idle RSS and the
# release binary's size. With --peer, Bolt for JavaScript doing the same work (bolt-peer/) is
# measured in the same run, right after, and the ratios printed: this machine's speed varies
# from hour to hour, so only figures from one run compare.
#
#   examples/bench/slash_bench.sh [--peer] [--postgres ADMIN_URL] [--duration S] [--conns "1 32 256"]
#                                 [--commands "/win /touch"]
#
#   --peer                also run bolt-peer/ (needs node and npm; `npm install` runs once)
#   --postgres ADMIN_URL  also run Momentum on PostgreSQL (a fresh database per run, created
#                         through ADMIN_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres)
#   --duration S          seconds per level (default 10)
#   --commands LIST       which commands (default both; each gets a fresh database)
#
# Needs wrk, python3 and sqlite3 (apt-get install -y wrk python3 sqlite3), psql for
# --postgres. The load generator (slash_load.sh, slash_load.lua, gen_requests.py) is the
# team's shared one, copied here: 20,000 distinct signed requests, 8 teams, 5,000 users.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE/../.."
PEER=0 ADMIN="" DURATION=10 CONNS="1 32 256" COMMANDS="/win /touch"
while (($#)); do
  case $1 in
    --peer) PEER=1 ;;
    --postgres) ADMIN=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --conns) CONNS=$2; shift ;;
    --commands) COMMANDS=$2; shift ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
  shift
done
for tool in wrk python3 sqlite3 curl; do
  command -v $tool >/dev/null || { echo "$tool not found (apt-get install -y $tool)" >&2; exit 2; }
done
SECRET=s3cret BIN=./target/release/momentum
WORK=$(mktemp -d /tmp/momentum-bench.XXXXXX)
export BENCH_WORKDIR=$WORK/load
pids=()
stop() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
trap 'stop; rm -rf "$WORK"' EXIT
results=()

cargo build --release --quiet
echo "release binary: $(stat -c %s $BIN | awk '{printf "%.1f MB", $1/1e6}') ($(cp $BIN "$WORK/m" && strip "$WORK/m" && stat -c %s "$WORK/m" | awk '{printf "%.1f MB", $1/1e6}') stripped)"

healthy_after() {  # PORT → milliseconds until /healthz answers 200 (0 if it never does)
  local start=$(date +%s%N)
  for _ in $(seq 2000); do
    if curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1; then
      echo $(( ($(date +%s%N) - start) / 1000000 )); return
    fi
    sleep 0.005
  done
  echo 0
}

count_sql() {  # COMMAND → the statement counting what it stores
  [[ $1 == /touch ]] && echo "SELECT COUNT(*) FROM touches" || echo "SELECT COUNT(*) FROM wins"
}

load() {  # NAME PORT PID COMMAND, with BENCH_DB or BENCH_COUNT_CMD set
  for c in $CONNS; do
    local line
    line=$(BENCH_COMMAND=$4 BENCH_COUNT_SQL=$(count_sql "$4") BENCH_SERVER_PID=$3 \
      BENCH_LABEL=$1-${4#/}-$c "$HERE/slash_load.sh" \
      "http://127.0.0.1:$2/slack/commands" $SECRET "$DURATION" "$c" | grep '^SUMMARY')
    results+=("$1 $4 $line")
    echo "  $1 $4 $c conns: $(sed -E 's/.*rps=([0-9.]+).*p50_us=([0-9]+).*p90_us=([0-9]+).*p99_us=([0-9]+).*s2xx=([0-9]+).*rows=([0-9]*).*lost=([0-9-]*).*/\1 req\/s  p50 \2 µs  p90 \3 µs  p99 \4 µs  2xx \5  rows \6  lost \7/' <<<"$line")"
  done
}

export SLACK_SIGNING_SECRET=$SECRET SLACK_BOT_TOKEN=xoxb-bench SLACK_API_URL=http://127.0.0.1:9/ RUST_LOG=warn

for cmd in $COMMANDS; do
  echo "== Momentum $cmd, SQLite (a fresh file)"
  db=$WORK/momentum-${cmd#/}.db
  DATABASE_URL="sqlite://$db" PORT=3201 $BIN serve & pids+=($!)
  ms=$(healthy_after 3201)
  sleep 1
  echo "  start-up to a healthy /healthz: $ms ms; idle RSS: $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' /proc/${pids[0]}/status)"
  BENCH_DB=$db load momentum 3201 "${pids[0]}" "$cmd"
  stop
done

if [[ -n $ADMIN ]]; then
  for cmd in $COMMANDS; do
    echo "== Momentum $cmd, PostgreSQL (a fresh database)"
    name="momentum_bench_$(date +%s%N)"
    psql "$ADMIN" -qtAc "CREATE DATABASE $name" >/dev/null
    url="${ADMIN%/*}/$name"
    DATABASE_URL=$url PORT=3202 $BIN serve & pids+=($!)
    healthy_after 3202 >/dev/null
    BENCH_COUNT_CMD="psql $url -tAc '$(count_sql "$cmd")'" load momentum-pg 3202 "${pids[0]}" "$cmd"
    stop
    psql "$ADMIN" -qtAc "DROP DATABASE $name" >/dev/null || true
  done
fi

if ((PEER)); then
  echo "== Bolt for JavaScript, two cluster workers, better-sqlite3 (bolt-peer/)"
  command -v node >/dev/null || { echo "node not found" >&2; exit 2; }
  [[ -d $HERE/bolt-peer/node_modules ]] || (cd "$HERE/bolt-peer" && npm install --silent)
  for cmd in $COMMANDS; do
    peer_db=$WORK/bolt-${cmd#/}.db
    (cd "$HERE/bolt-peer" && PORT=3203 DB=$peer_db exec node app.js) & pids+=($!)
    for _ in $(seq 200); do
      code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:3203/slack/commands || true)
      [[ $code == 401 ]] && break
      sleep 0.05
    done
    BENCH_DB=$peer_db load bolt 3203 "${pids[0]}" "$cmd"
    stop
  done
  echo "== Momentum / Bolt-JS, same run"
  rps() { sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$1"; }
  p99() { sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$1"; }
  for cmd in $COMMANDS; do
    for c in $CONNS; do
      m=$(printf '%s\n' "${results[@]}" | awk -v c=$c -v k=$cmd '$1 == "momentum" && $2 == k && $0 ~ " conns="c" " {print}')
      b=$(printf '%s\n' "${results[@]}" | awk -v c=$c -v k=$cmd '$1 == "bolt" && $2 == k && $0 ~ " conns="c" " {print}')
      awk -v k=$cmd -v c=$c -v mr="$(rps "$m")" -v br="$(rps "$b")" -v mp="$(p99 "$m")" -v bp="$(p99 "$b")" \
        'BEGIN {printf "  %-6s %3d conns: %.0f vs %.0f req/s, throughput %.2f×, p99 %.1f ms vs %.1f ms\n", k, c, mr, br, mr/br, mp/1000, bp/1000}'
    done
  done
fi
