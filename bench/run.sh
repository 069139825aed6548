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
EOF
}

WRITE=0
for arg in "$@"; do
  case "$arg" in
    --write) WRITE=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument [$arg]" >&2; usage >&2; exit 2 ;;
  esac
done

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
STARTUP_TIMEOUT=30
TARGET_RATIO=0.9
URL_PATH=/examples/hello
EXPECTED_BODY='Hello, World!'

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "run.sh: $*" >&2; }

for name in DURATION ROUNDS WARMUP CONNECTIONS SERVER_CPU LOAD_CPU; do
  [[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a whole number, got [${!name}]"
done
((DURATION >= 1 && DURATION <= 600)) || die "DURATION must be 1-600 seconds, got [$DURATION]"
((ROUNDS >= 1 && ROUNDS <= 20)) || die "ROUNDS must be 1-20, got [$ROUNDS]"
((WARMUP <= 60)) || die "WARMUP must be 0-60 seconds, got [$WARMUP]"
((CONNECTIONS >= 1 && CONNECTIONS <= 10000)) || die "CONNECTIONS must be 1-10000, got [$CONNECTIONS]"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BASE=$BENCH/serval-base
RESULTS=$BENCH/RESULTS.md

# --- tools -------------------------------------------------------------------------------------------
command -v node >/dev/null || die "node is not on PATH"
command -v taskset >/dev/null || die "taskset is missing (Debian/Ubuntu: apt-get install util-linux)"
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "wrk is missing: installing it with apt-get"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; then
      die "apt-get could not install wrk; install it by hand and run again"
    fi
  else
    die "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk) and run again"
  fi
fi

CPUS=$(nproc)
if ((SERVER_CPU >= CPUS || LOAD_CPU >= CPUS)); then
  die "SERVER_CPU [$SERVER_CPU] and LOAD_CPU [$LOAD_CPU] must be below the number of CPUs [$CPUS]"
fi
if ((CPUS < 2)); then
  log "warning: only one CPU: wrk and the servers share it, so absolute numbers mean little (the ratio still does)"
elif ((SERVER_CPU == LOAD_CPU)); then
  log "warning: SERVER_CPU and LOAD_CPU are both [$SERVER_CPU]: wrk competes with the server for it"
fi

if [[ ! -f $ROOT/dist/startup/cli.js || ! -f $ROOT/webapps/examples/WEB-INF/classes/hello-servlet.js ]]; then
  log "dist/ or the examples webapp's classes are missing: running npm run build"
  (cd "$ROOT" && npm run build) || die "npm run build failed"
fi
STALE=
if [[ -n $(find "$ROOT/src" "$ROOT/webapps/examples/WEB-INF/src" -name '*.ts' -newer "$ROOT/dist/startup/cli.js" -print -quit 2>/dev/null) ]]; then
  STALE=" (dist/ is older than some sources)"
  log "warning: dist/ is older than some files in src/: the numbers are for the last build (npm run build to refresh)"
fi

# --- processes ---------------------------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/serval-bench.XXXXXX")
BASELINE_PID=
SERVAL_PID=
WRK_PID=

stop_pid() {
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop within 5 s of SIGTERM: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_servers() {
  stop_pid "$SERVAL_PID"
  SERVAL_PID=
  stop_pid "$BASELINE_PID"
  BASELINE_PID=
}

cleanup() {
  [[ -z $WRK_PID ]] || kill -TERM "$WRK_PID" 2>/dev/null || true
  stop_servers
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# Prints "<status> <body>" of one GET, or nothing when nothing answers.
probe() {
  node -e "
    const req = require('node:http').get({ host: '127.0.0.1', port: Number(process.argv[1]), path: process.argv[2], timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => console.log(res.statusCode + ' ' + body));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => {});
  " "$1" "$URL_PATH" 2>/dev/null || true
}

wait_ready() {
  local name=$1 port=$2 pid=$3 logfile=$4 answer='' deadline=$((SECONDS + STARTUP_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2 || true; die "$name exited during startup (log: $logfile)"; }
    answer=$(probe "$port")
    [[ $answer == "200 $EXPECTED_BODY" ]] && return 0
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not answer GET $URL_PATH with 200 [$EXPECTED_BODY] within ${STARTUP_TIMEOUT} s (last answer: [${answer}]; log: $logfile)"
}

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
EOF
rm -f "$BASE"/logs/localhost_access_log*
SERVAL_LOG=$BASE/logs/bench-catalina.out
BASELINE_LOG=$TMP/baseline.out

SERVAL_NODE=()
if [[ -n ${SERVAL_NODE_ARGS:-} ]]; then read -r -a SERVAL_NODE <<<"$SERVAL_NODE_ARGS"; fi

taskset -c "$SERVER_CPU" node "$BENCH/baseline-node-http.js" "$BASELINE_PORT" >"$BASELINE_LOG" 2>&1 &
BASELINE_PID=$!
CATALINA_HOME=$ROOT CATALINA_BASE=$BASE \
  taskset -c "$SERVER_CPU" node "${SERVAL_NODE[@]}" "$ROOT/bin/catalina" run >"$SERVAL_LOG" 2>&1 &
SERVAL_PID=$!

wait_ready "the node:http baseline" "$BASELINE_PORT" "$BASELINE_PID" "$BASELINE_LOG"
wait_ready "the container" "$SERVAL_PORT" "$SERVAL_PID" "$SERVAL_LOG"

# --- measurement -------------------------------------------------------------------------------------
# wrk prints latencies as 512.00us, 1.23ms, 1.02s or 1.50m; everything is reported in ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
    if (f < 0) exit 1
    printf "%.2f", n * f
  }'
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) printf "%.2f", a[(NR + 1) / 2]; else printf "%.2f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

WRK_ARGS=(-t1 "-c$CONNECTIONS" --latency)
CLK_TCK=$(getconf CLK_TCK)
declare -A RPS=() P50=() P99=() CPU=()

# Runs wrk in the background and waits for it, so that a signal interrupts the wait and cleanup can stop it.
run_wrk() {
  local seconds=$1 port=$2 out=$3 rc=0
  timeout $((seconds + 30)) taskset -c "$LOAD_CPU" wrk "${WRK_ARGS[@]}" "-d${seconds}s" "http://127.0.0.1:$port$URL_PATH" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=
  return "$rc"
}

# CPU time (user + system, clock ticks) a process has used so far.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# One measured run after a warm-up; sets M_RPS, M_P50, M_P99 (ms) and M_CPU (server CPU µs per request:
# steadier than req/s when something else on the machine steals wrk's CPU). Dies on errors, non-2xx
# answers or output it cannot read.
measure() {
  local name=$1 port=$2 pid=$3 out=$TMP/wrk-$1.txt bad errors p50 p99 ticks requests
  kill -0 "$pid" 2>/dev/null || die "$name is no longer running"
  if ((WARMUP > 0)); then
    run_wrk "$WARMUP" "$port" "$TMP/warmup.txt" || die "wrk warm-up against $name failed: $(cat "$TMP/warmup.txt")"
  fi
  ticks=$(cpu_ticks "$pid")
  run_wrk "$DURATION" "$port" "$out" || die "wrk against $name failed: $(cat "$out")"
  ticks=$(($(cpu_ticks "$pid") - ticks))
  requests=$(awk '/ requests in / { print $1 }' "$out")
  M_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  errors=$(grep 'Socket errors:' "$out" || true)
  [[ -n $M_RPS && -n $p50 && -n $p99 && -n $requests ]] || die "cannot read wrk's output for $name: $(cat "$out")"
  [[ -z $bad ]] || die "$name answered [$bad] non-2xx/3xx responses: the numbers would be meaningless. $(cat "$out")"
  kill -0 "$pid" 2>/dev/null || die "$name exited during the run"
  [[ -z $errors ]] || log "warning: $name: $errors"
  M_P50=$(to_ms "$p50")
  M_P99=$(to_ms "$p99")
  M_CPU=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
}

TOTAL=$((ROUNDS * 2 * (WARMUP + DURATION)))
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
log "baseline on :$BASELINE_PORT, container on :$SERVAL_PORT (pid $SERVAL_PID), both on CPU $SERVER_CPU; wrk on CPU $LOAD_CPU"
log "$ROUNDS rounds x 2 servers x (${WARMUP} s warm-up + ${DURATION} s): about ${TOTAL} s"

for ((round = 1; round <= ROUNDS; round++)); do
  # Alternate who goes first so that drift (thermal, other load) does not always favour the same side.
  if ((round % 2)); then order=(baseline serval); else order=(serval baseline); fi
  for who in "${order[@]}"; do
    if [[ $who == baseline ]]; then measure baseline "$BASELINE_PORT" "$BASELINE_PID"
    else measure serval "$SERVAL_PORT" "$SERVAL_PID"; fi
    RPS[$who]+="$M_RPS "
    P50[$who]+="$M_P50 "
    P99[$who]+="$M_P99 "
    CPU[$who]+="$M_CPU "
    log "round $round/$ROUNDS $who: $M_RPS req/s, p50 $M_P50 ms, p99 $M_P99 ms, server CPU $M_CPU µs/request"
  done
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
log "load average before/after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine makes numbers noisy)"
stop_servers
ACCESS_LINES=$( (cat "$BASE"/logs/localhost_access_log* 2>/dev/null || true) | wc -l)

# --- report ------------------------------------------------------------------------------------------
row() {
  local who=$1 label=$2
  # shellcheck disable=SC2086 # the per-round lists are space-separated numbers
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$label" "$(median ${RPS[$who]})" "$(median ${P50[$who]})" \
    "$(median ${P99[$who]})" "$(median ${CPU[$who]})" "$(printf '%.0f ' ${RPS[$who]} | sed 's/ $//; s/ /, /g')"
}
# shellcheck disable=SC2086
BASE_MEDIAN=$(median ${RPS[baseline]})
# shellcheck disable=SC2086
SERVAL_MEDIAN=$(median ${RPS[serval]})
RATIO=$(awk -v s="$SERVAL_MEDIAN" -v b="$BASE_MEDIAN" 'BEGIN { printf "%.3f", s / b }')
VERDICT=$(awk -v r="$RATIO" -v t="$TARGET_RATIO" 'BEGIN { print (r >= t) ? "met" : "NOT met" }')
# The two runs of one round are back to back, so their ratio shares the machine's load of that moment; the
# median of those ratios resists a noisy host better than the ratio of the medians.
PAIRED=$(awk -v s="${RPS[serval]}" -v b="${RPS[baseline]}" 'BEGIN {
  n = split(s, sv, " "); split(b, bv, " ")
  for (i = 1; i <= n; i++) r[i] = sv[i] / bv[i]
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
  m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
  list = ""; for (i = 1; i <= n; i++) list = list (i > 1 ? ", " : "") sprintf("%.2f", sv[i] / bv[i])
  printf "%.3f (rounds: %s)", m, list
}')

# shellcheck disable=SC2086
CPU_RATIO=$(awk -v s="$(median ${CPU[serval]})" -v b="$(median ${CPU[baseline]})" 'BEGIN { printf "%.2f", (b > 0 ? s / b : 0) }')
TABLE=$(
  echo "| server | req/s (median) | p50 ms | p99 ms | server CPU µs/req | req/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
  row baseline "node:http baseline"
  row serval "Serval, full pipeline + AccessLogValve"
  echo
  echo "Ratio Serval / baseline: **$RATIO** (target ≥ $TARGET_RATIO: $VERDICT); median of per-round ratios: $PAIRED."
  echo "Server CPU per request, Serval / baseline: $CPU_RATIO (the inverse of the throughput ratio a CPU-bound server would reach)."
  echo "Access log lines written by Serval: $ACCESS_LINES."
)
echo
echo "$TABLE"

if ((WRITE)); then
  CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$ROOT" status --porcelain -- src webapps conf 2>/dev/null) ]]; then COMMIT="$COMMIT + uncommitted changes"; fi
  if [[ ! -f $RESULTS ]]; then
    # shellcheck disable=SC2016 # literal backticks: markdown code
    printf '# Benchmark results\n\nAppended by `bash bench/run.sh --write`; see bench/README.md.\n' >"$RESULTS"
  fi
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), GET $URL_PATH"
    echo
    echo "- Machine: $CPUS CPUs${CPU_MODEL:+ ($CPU_MODEL)}, $(uname -sr); servers pinned to CPU $SERVER_CPU, wrk to CPU $LOAD_CPU;"
    echo "  load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
    echo "- Node $(node --version), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }'), code at $COMMIT$STALE"
    echo "- Command: \`DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS bash bench/run.sh --write\`"
    echo "  (each run: \`taskset -c $LOAD_CPU wrk ${WRK_ARGS[*]} -d${DURATION}s http://127.0.0.1:PORT$URL_PATH\`, after a ${WARMUP} s warm-up)"
    echo
    echo "$TABLE"
  } >>"$RESULTS"
  log "results appended to $RESULTS"
fi
