#!/usr/bin/env bash
# bench/blocking.sh (issue #7): a 20 ms CPU-bound servlet under load alongside a hello servlet, on the
# event-loop endpoint and on the blocking-style endpoint (servlets on worker threads), side by side in one run;
# plus trivial hello throughput of both styles and memory per worker thread. See bench/README.md.
# Usage: [DURATION=10] [ROUNDS=3] bash bench/blocking.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash bench/blocking.sh [--write]

Starts one container with two connectors in front of the same webapp (test/fixtures/webapps/blocking/ROOT:
/hello answers "hello", /work?n=N does N iterations of integer arithmetic, N calibrated before the run so
that one request takes CPU_MS [20] ms on an idle core): protocol="HTTP/1.1" (event loop: servlets run on the
main thread) and protocol="org.apache.coyote.http11.Http11Protocol" (blocking style: each connection pinned to
a worker thread; maxThreads = CPU_CONNECTIONS + HELLO_CONNECTIONS, minSpareThreads 1). Per round and style:
  mixed   two wrk at once: wrk -c CPU_CONNECTIONS on /work?n=N (the "/cpu" servlet) and wrk -c HELLO_CONNECTIONS on /hello, each
          hello connection waiting HELLO_GAP_MS between requests (a light, steady stream whose latency is
          measured, instead of a closed loop that would steal the CPU it measures)
  hello   wrk -c (CPU_CONNECTIONS + HELLO_CONNECTIONS) on /hello alone (trivial throughput)
Targets (issue #7): in the mixed run, blocking /hello p99 ≤ 1/4 of event-loop /hello p99, and blocking /cpu
req/s ≥ 1.8 × event-loop /cpu req/s. Memory per worker: the container's RSS growth from 1 worker thread to
maxThreads worker threads, divided by the added workers.

JIT warm-up: every worker thread is its own V8 isolate and optimises the container's code on its own, after a
few thousand requests of its own; until then a request on a worker costs several times its steady-state CPU.
So before the rounds each endpoint serves JIT_WARMUP_REQUESTS hello requests per worker thread (wrk -c
THREADS: one connection per worker), in 1 s wrk runs until the count is reached (at most JIT_WARMUP_MAX_S
seconds); the event loop gets the same number. JIT_WARMUP_REQUESTS=0 measures cold workers instead.

Pinning: both CPU-bound styles need every core (that is what the /cpu target measures), so the container is
not pinned (SERVER_CPUS, default all); the /cpu wrk runs on CPU_LOAD_CPU and the /hello wrk on
HELLO_LOAD_CPU. On a 2-core machine the load generators share the cores with the container: the /cpu wrk
does ~100 req/s and the paced /hello wrk a few hundred, a small share.

  --write   also append a dated section with the results to bench/RESULTS.md

Environment (defaults in brackets): DURATION [10], WARMUP [2], ROUNDS [3], CPU_CONNECTIONS [4],
HELLO_CONNECTIONS [4], HELLO_GAP_MS [10], CPU_MS [20], SERVER_CPUS [0-(nproc-1)], CPU_LOAD_CPU [1],
HELLO_LOAD_CPU [0], JIT_WARMUP_REQUESTS [4000], JIT_WARMUP_MAX_S [60], SERVAL_NODE_ARGS (extra node options, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
EOF
}

BENCH_NAME=blocking.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
CPU_LOAD_CPU=${CPU_LOAD_CPU:-1}
HELLO_LOAD_CPU=${HELLO_LOAD_CPU:-0}
BENCH_EXTRA_CPUS="CPU_LOAD_CPU HELLO_LOAD_CPU"
bench_settings
bench_tools
bench_build
CPU_CONNECTIONS=${CPU_CONNECTIONS:-4}
HELLO_CONNECTIONS=${HELLO_CONNECTIONS:-4}
HELLO_GAP_MS=${HELLO_GAP_MS:-10}
CPU_MS=${CPU_MS:-20}
JIT_WARMUP_REQUESTS=${JIT_WARMUP_REQUESTS:-4000}
JIT_WARMUP_MAX_S=${JIT_WARMUP_MAX_S:-60}
for name in CPU_CONNECTIONS HELLO_CONNECTIONS HELLO_GAP_MS CPU_MS JIT_WARMUP_REQUESTS JIT_WARMUP_MAX_S; do
  [[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a whole number, got [${!name}]"
done
((CPU_CONNECTIONS >= 1 && HELLO_CONNECTIONS >= 1)) || die "CPU_CONNECTIONS and HELLO_CONNECTIONS must be at least 1"
SERVER_CPUS=${SERVER_CPUS:-0-$((CPUS - 1))}
THREADS=$((CPU_CONNECTIONS + HELLO_CONNECTIONS))
TARGET_P99=0.25
TARGET_CPU=1.8
APP=$BENCH_ROOT/test/fixtures/webapps/blocking/ROOT
[[ -f $APP/WEB-INF/web.xml ]] || die "the fixture webapp $APP is missing"

# --- the container -----------------------------------------------------------------------------------
EVENT_PORT=$(free_port)
BLOCKING_PORT=$(free_port)
[[ $EVENT_PORT != "$BLOCKING_PORT" ]] || BLOCKING_PORT=$(free_port)
BASE=$TMP/base
write_serval_base "$BASE" \
  "<Connector port=\"$EVENT_PORT\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\" maxKeepAliveRequests=\"-1\"/>
    <Connector port=\"$BLOCKING_PORT\" address=\"127.0.0.1\" protocol=\"org.apache.coyote.http11.Http11Protocol\"
               maxThreads=\"$THREADS\" minSpareThreads=\"1\" disableKeepAlivePercentage=\"100\" maxKeepAliveRequests=\"-1\"/>" \
  "<Context path=\"\" docBase=\"$APP\"/>"
# The container may use every core: taskset from start_serval is replaced by SERVER_CPUS.
SERVER_CPU=$SERVER_CPUS
start_serval "$BASE" "$TMP/serval.out"
wait_ready "the container (event loop)" "http://127.0.0.1:$EVENT_PORT/hello" "$SERVAL_PID" "$TMP/serval.out" hello
wait_ready "the container (blocking)" "http://127.0.0.1:$BLOCKING_PORT/hello" "$SERVAL_PID" "$TMP/serval.out" hello

# Calibration: iterations per ms from a few requests on the idle container (median of the last 5 of 8).
calibration=()
for ((i = 0; i < 8; i++)); do
  answer=$(probe "http://127.0.0.1:$EVENT_PORT/work?n=2000000")
  [[ $answer == "200 "* ]] || die "calibration request failed: [$answer]"
  ((i < 3)) || calibration+=("$(echo "$answer" | awk '{ print $2 }')")
done
CAL_MS=$(median "${calibration[@]}")
WORK_N=$(awk -v ms="$CAL_MS" -v want="$CPU_MS" 'BEGIN { printf "%.0f", 2000000 * want / ms }')
CPU_PATH="/work?n=$WORK_N"
log "calibration: 2000000 iterations take $CAL_MS ms: /cpu is $CPU_PATH"

# jit_warmup STYLE PORT: hello on THREADS connections in 1 s wrk runs until JIT_WARMUP_REQUESTS per worker
# thread have been served (bounded by JIT_WARMUP_MAX_S runs).
jit_warmup() {
  local style=$1 port=$2 want=$((JIT_WARMUP_REQUESTS * THREADS)) done=0 runs=0 count
  ((want > 0)) || return 0
  while ((done < want && runs < JIT_WARMUP_MAX_S)); do
    timeout 30 taskset -c "$LOAD_CPU" wrk -t1 "-c$THREADS" --timeout 10s -d1s "http://127.0.0.1:$port/hello" >"$TMP/jit.txt" 2>&1 ||
      die "wrk warm-up against the $style endpoint failed: $(cat "$TMP/jit.txt")"
    count=$(awk '/ requests in / { print $1 }' "$TMP/jit.txt")
    [[ $count =~ ^[0-9]+$ ]] || die "cannot read wrk's warm-up output: $(cat "$TMP/jit.txt")"
    done=$((done + count))
    runs=$((runs + 1))
  done
  ((done >= want)) || log "warning: the $style endpoint served only $done of $want warm-up requests in $runs s"
  log "JIT warm-up, $style: $done hello requests in $runs s"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
RSS_ONE_WORKER=$(rss_kb "$SERVAL_PID")
OS_THREADS_ONE=$(threads_of "$SERVAL_PID")
jit_warmup event "$EVENT_PORT"
jit_warmup blocking "$BLOCKING_PORT"

# --- measurement -------------------------------------------------------------------------------------
cat >"$TMP/paced.lua" <<LUA
-- Each connection waits HELLO_GAP_MS before its next request: a steady light stream, latency measured per request.
function delay() return $HELLO_GAP_MS end
LUA

# wrk_to CPU SECONDS CONNECTIONS URL OUT [SCRIPT]: one wrk pinned to CPU, in the background; sets LAST_PID.
wrk_to() {
  local cpu=$1 seconds=$2 connections=$3 url=$4 out=$5 script=${6:-} extra=()
  [[ -z $script ]] || extra=(-s "$script")
  timeout $((seconds + 30)) taskset -c "$cpu" wrk -t1 "-c$connections" --latency --timeout 10s "${extra[@]}" "-d${seconds}s" "$url" >"$out" 2>&1 &
  LAST_PID=$!
}

# wrk_numbers OUT: "req/s p50_ms p99_ms" of a wrk output; dies on errors and non-2xx answers.
wrk_numbers() {
  local out=$1 rps p50 p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  [[ -n $rps && -n $p50 && -n $p99 ]] || die "cannot read wrk's output: $(cat "$out")"
  ! grep -q 'Non-2xx or 3xx responses' "$out" || die "non-2xx answers: $(cat "$out")"
  ! grep -q 'Socket errors' "$out" || log "warning: $(grep 'Socket errors' "$out")"
  echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}

# mixed STYLE PORT: both wrk at once (warm-up first); appends to the series STYLE-cpu and STYLE-hello.
mixed() {
  local style=$1 port=$2 cpu_pid hello_pid rc=0 before after
  if ((WARMUP > 0)); then
    wrk_to "$CPU_LOAD_CPU" "$WARMUP" "$CPU_CONNECTIONS" "http://127.0.0.1:$port$CPU_PATH" "$TMP/w1.txt"
    cpu_pid=$LAST_PID
    wrk_to "$HELLO_LOAD_CPU" "$WARMUP" "$HELLO_CONNECTIONS" "http://127.0.0.1:$port/hello" "$TMP/w2.txt" "$TMP/paced.lua"
    wait "$LAST_PID" || true
    wait "$cpu_pid" || true
  fi
  before=$(cpu_ticks "$SERVAL_PID")
  wrk_to "$CPU_LOAD_CPU" "$DURATION" "$CPU_CONNECTIONS" "http://127.0.0.1:$port$CPU_PATH" "$TMP/cpu-$style.txt"
  cpu_pid=$LAST_PID
  wrk_to "$HELLO_LOAD_CPU" "$DURATION" "$HELLO_CONNECTIONS" "http://127.0.0.1:$port/hello" "$TMP/hello-$style.txt" "$TMP/paced.lua"
  hello_pid=$LAST_PID
  wait "$hello_pid" || rc=$?
  wait "$cpu_pid" || rc=$?
  after=$(cpu_ticks "$SERVAL_PID")
  ((rc == 0)) || die "wrk failed: $(cat "$TMP/cpu-$style.txt" "$TMP/hello-$style.txt")"
  kill -0 "$SERVAL_PID" 2>/dev/null || die "the container exited during the run"
  read -r M_RPS M_P50 M_P99 <<<"$(wrk_numbers "$TMP/cpu-$style.txt")"
  # Cores the container kept busy during the run (1.00 = one core).
  M_CPU=$(awk -v t="$((after - before))" -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN { printf "%.2f", t / hz / d }')
  M_CPUS=()
  M_BYTES_PER_REQ=0
  record "$style-cpu"
  read -r M_RPS M_P50 M_P99 <<<"$(wrk_numbers "$TMP/hello-$style.txt")"
  record "$style-hello"
}

LOAD_BEFORE=$(load_average)
log "container pid $SERVAL_PID on CPUs $SERVER_CPUS; /cpu wrk on CPU $CPU_LOAD_CPU, /hello wrk on CPU $HELLO_LOAD_CPU; load average $LOAD_BEFORE"
# The trivial hello runs use the lib's measure() (wrk on LOAD_CPU, -c THREADS: one connection per worker).
WRK_ARGS=(-t1 "-c$THREADS" --latency --timeout 10s)
for ((round = 1; round <= ROUNDS; round++)); do
  for style in event blocking; do
    port=$EVENT_PORT
    [[ $style == event ]] || port=$BLOCKING_PORT
    log "round $round/$ROUNDS: $style mixed"
    mixed "$style" "$port"
    log "round $round/$ROUNDS: $style hello alone"
    measure "$style-trivial" "http://127.0.0.1:$port/hello" "$SERVAL_PID"
    record "$style-trivial"
  done
  if ((round == 1)); then
    RSS_ALL_WORKERS=$(rss_kb "$SERVAL_PID")
    OS_THREADS_ALL=$(threads_of "$SERVAL_PID")
  fi
done
LOAD_AFTER=$(load_average)

# --- report ------------------------------------------------------------------------------------------
# shellcheck disable=SC2086 # series are space-separated numbers
med() { median $1; }
P99_EVENT=$(med "${P99[event-hello]}")
P99_BLOCKING=$(med "${P99[blocking-hello]}")
P99_RATIO=$(ratio "$P99_BLOCKING" "$P99_EVENT")
P99_VERDICT=$(awk -v r="$P99_RATIO" -v t="$TARGET_P99" 'BEGIN { print (r <= t) ? "met" : "NOT met" }')
CPU_RATIO=$(ratio "$(med_rps blocking-cpu)" "$(med_rps event-cpu)")
CPU_VERDICT=$(verdict_both blocking-cpu event-cpu "$TARGET_CPU")
ADDED=$((OS_THREADS_ALL - OS_THREADS_ONE))
WORKERS_ADDED=$((THREADS - 1))
PER_WORKER_MB=$(awk -v a="$RSS_ALL_WORKERS" -v b="$RSS_ONE_WORKER" -v n="$WORKERS_ADDED" 'BEGIN { printf "%.1f", (a - b) / n / 1024 }')

mixed_row() {
  local style=$1 label=$2
  # shellcheck disable=SC2086
  printf '| %s | %.1f | %s | %s | %s | %s | %s |\n' "$label" "$(med_rps "$style-cpu")" "$(med "${P50[$style-cpu]}")" \
    "$(med "${RPS[$style-hello]}")" "$(med "${P50[$style-hello]}")" "$(med "${P99[$style-hello]}")" "$(med_cpu "$style-cpu")"
}

BODY=$(
  echo "Mixed load, same run: /cpu ($CPU_PATH, $CPU_MS ms of CPU on an idle core) on $CPU_CONNECTIONS connections and paced /hello (${HELLO_GAP_MS} ms between requests) on $HELLO_CONNECTIONS connections at once (medians of $ROUNDS rounds):"
  echo
  echo "| endpoint | /cpu req/s | /cpu p50 ms | /hello req/s | /hello p50 ms | /hello p99 ms | cores busy |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  mixed_row event "event loop (HTTP/1.1)"
  mixed_row blocking "blocking (Http11Protocol, maxThreads $THREADS)"
  echo
  echo "- /hello p99, blocking / event loop: **$P99_RATIO** (target ≤ $TARGET_P99): **$P99_VERDICT**"
  echo "- /cpu req/s, blocking / event loop: **$CPU_RATIO**, per round $(paired blocking-cpu event-cpu) (target ≥ $TARGET_CPU): **$CPU_VERDICT**"
  echo
  echo "Trivial /hello alone, wrk -c$THREADS (one connection per worker thread):"
  echo
  table_header
  row event-trivial "event loop"
  row blocking-trivial "blocking"
  echo
  echo "- blocking / event loop: req/s $(ratio "$(med_rps blocking-trivial)" "$(med_rps event-trivial)"), server CPU per request $(ratio "$(med_cpu blocking-trivial)" "$(med_cpu event-trivial)") (each request crosses to a worker thread and back: one message each way)"
  echo "- JIT warm-up before the rounds: $JIT_WARMUP_REQUESTS hello requests per worker thread on each endpoint (each worker is its own V8 isolate; 0 = cold workers)"
  echo "- Memory per worker thread: **$PER_WORKER_MB MB** RSS (container RSS $((RSS_ONE_WORKER / 1024)) MB with 1 worker, $((RSS_ALL_WORKERS / 1024)) MB with $THREADS after round 1; OS threads +$ADDED; each worker builds its own Engine tree and loads the webapp)"
)
echo
echo "$BODY"

if ((WRITE)); then
  PINNING="container on CPUs $SERVER_CPUS (not pinned: the blocking style needs every core), /cpu wrk on CPU $CPU_LOAD_CPU, /hello wrk on CPU $HELLO_LOAD_CPU, trivial-hello wrk on CPU $LOAD_CPU; the load generators share the cores with the container"
  bench_write "blocking-style endpoint vs event loop: 20 ms CPU servlet alongside hello (issue #7)" \
    "bash bench/blocking.sh --write" \
    "DURATION=$DURATION s per run after ${WARMUP} s warm-up, ROUNDS=$ROUNDS, styles interleaved per round; wrk -t1" \
    "$BODY"
fi
