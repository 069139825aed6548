#!/usr/bin/env bash
# bench/run.sh: GET /examples/hello through Serval's full pipeline (AccessLogValve on) against plain
# node:http, side by side in one run, because numbers from different runs or machines are not comparable.
# See bench/README.md. Usage: [DURATION=10] [ROUNDS=3] bash bench/run.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash bench/run.sh [--write]

Starts the node:http baseline and the container (bin/catalina run, CATALINA_BASE=bench/serval-base), both
pinned to one CPU, and loads one at a time with wrk from another CPU, interleaved for ROUNDS rounds.
Prints the median req/s of each, latency p50/p99 and the ratio container/baseline.

  --write   also append a dated section with the results to bench/RESULTS.md

Environment (defaults in brackets):
  DURATION [10]     seconds of each measured wrk run      WARMUP [2]       seconds of warm-up before each
  ROUNDS [3]        measured runs per server              CONNECTIONS [50] wrk connections (one thread)
  SERVER_CPU [0]    CPU both servers are pinned to        LOAD_CPU [1]     CPU wrk is pinned to
  SERVAL_NODE_ARGS  extra node options for the container, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  MAX_KEEPALIVE_REQUESTS [-1]  the container's maxKeepAliveRequests: -1 keeps connections open as node:http
                    does; 100 (Tomcat's default) makes wrk reconnect every 100 requests on Serval's side only
EOF
}

BENCH_NAME=run.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
bench_settings
TARGET_RATIO=0.9
URL_PATH=/examples/hello
EXPECTED_BODY='Hello, World!'

ROOT=$BENCH_ROOT
BENCH=$BENCH_DIR
BASE=$BENCH/serval-base

bench_tools
bench_build

# --- processes ---------------------------------------------------------------------------------------
BASELINE_PORT=$(free_port)
SERVAL_PORT=$(free_port)
[[ $BASELINE_PORT != "$SERVAL_PORT" ]] || SERVAL_PORT=$(free_port)

# The bench CATALINA_BASE: server.xml is committed; its properties and conf/web.xml are written here.
mkdir -p "$BASE/logs"
cp "$ROOT/conf/web.xml" "$BASE/conf/web.xml"
cat >"$BASE/conf/catalina.properties" <<EOF
# Written by bench/run.sh at every run; read by conf/server.xml.
bench.port=$SERVAL_PORT
bench.appBase=$ROOT/webapps
bench.maxKeepAliveRequests=$MAX_KEEPALIVE_REQUESTS
EOF
rm -f "$BASE"/logs/localhost_access_log*
SERVAL_LOG=$BASE/logs/bench-catalina.out
BASELINE_LOG=$TMP/baseline.out

SERVAL_NODE=()
if [[ -n ${SERVAL_NODE_ARGS:-} ]]; then read -r -a SERVAL_NODE <<<"$SERVAL_NODE_ARGS"; fi

taskset -c "$SERVER_CPU" node "$BENCH/baseline-node-http.js" "$BASELINE_PORT" >"$BASELINE_LOG" 2>&1 &
BASELINE_PID=$!
bench_track "$BASELINE_PID"
CATALINA_HOME=$ROOT CATALINA_BASE=$BASE \
  taskset -c "$SERVER_CPU" node "${SERVAL_NODE[@]}" "$ROOT/bin/catalina" run >"$SERVAL_LOG" 2>&1 &
SERVAL_PID=$!
bench_track "$SERVAL_PID"

wait_ready "the node:http baseline" "http://127.0.0.1:$BASELINE_PORT$URL_PATH" "$BASELINE_PID" "$BASELINE_LOG" "$EXPECTED_BODY"
wait_ready "the container" "http://127.0.0.1:$SERVAL_PORT$URL_PATH" "$SERVAL_PID" "$SERVAL_LOG" "$EXPECTED_BODY"

# --- measurement -------------------------------------------------------------------------------------
WRK_ARGS=(-t1 "-c$CONNECTIONS" --latency)
TOTAL=$((ROUNDS * 2 * (WARMUP + DURATION)))
LOAD_BEFORE=$(load_average)
log "baseline on :$BASELINE_PORT, container on :$SERVAL_PORT (pid $SERVAL_PID), both on CPU $SERVER_CPU; wrk on CPU $LOAD_CPU"
log "$ROUNDS rounds x 2 servers x (${WARMUP} s warm-up + ${DURATION} s): about ${TOTAL} s"

for ((round = 1; round <= ROUNDS; round++)); do
  # Alternate who goes first so that drift (thermal, other load) does not always favour the same side.
  if ((round % 2)); then order=(baseline serval); else order=(serval baseline); fi
  for who in "${order[@]}"; do
    if [[ $who == baseline ]]; then measure baseline "http://127.0.0.1:$BASELINE_PORT$URL_PATH" "$BASELINE_PID"
    else measure serval "http://127.0.0.1:$SERVAL_PORT$URL_PATH" "$SERVAL_PID"; fi
    record "$who"
    log "round $round/$ROUNDS $who: $M_RPS req/s, p50 $M_P50 ms, p99 $M_P99 ms, server CPU $M_CPU µs/request"
  done
done

LOAD_AFTER=$(load_average)
log "load average before/after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine makes numbers noisy)"
stop_all
ACCESS_LINES=$( (cat "$BASE"/logs/localhost_access_log* 2>/dev/null || true) | wc -l)

# --- report ------------------------------------------------------------------------------------------
BASE_MEDIAN=$(med_rps baseline)
SERVAL_MEDIAN=$(med_rps serval)
RATIO=$(ratio "$SERVAL_MEDIAN" "$BASE_MEDIAN")
VERDICT=$(verdict "$RATIO" "$TARGET_RATIO")
PAIRED=$(paired serval baseline)
CPU_RATIO=$(awk -v s="$(med_cpu serval)" -v b="$(med_cpu baseline)" 'BEGIN { printf "%.2f", (b > 0 ? s / b : 0) }')
TABLE=$(
  table_header
  row baseline "node:http baseline"
  row serval "Serval, full pipeline + AccessLogValve"
  echo
  echo "Ratio Serval / baseline: **$RATIO** (target ≥ $TARGET_RATIO: $VERDICT); median of per-round ratios: $PAIRED."
  echo "Server CPU per request, Serval / baseline: $CPU_RATIO (the inverse of the throughput ratio a CPU-bound server would reach)."
  echo "Softirq time on the server's CPU (loopback delivery, waking wrk), µs/request, median: baseline $(med_softirq baseline), Serval $(med_softirq serval)."
  echo "Access log lines written by Serval: $ACCESS_LINES."
)
echo
echo "$TABLE"

if ((WRITE)); then
  bench_write "GET $URL_PATH" \
    "DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS MAX_KEEPALIVE_REQUESTS=$MAX_KEEPALIVE_REQUESTS bash bench/run.sh --write" \
    "each run: \`taskset -c $LOAD_CPU wrk ${WRK_ARGS[*]} -d${DURATION}s http://127.0.0.1:PORT$URL_PATH\`, after a ${WARMUP} s warm-up; the container's maxKeepAliveRequests $MAX_KEEPALIVE_REQUESTS" \
    "$TABLE"
fi
