# bench/lib.sh: what the bench scripts share (settings, tools, process lifecycle, wrk runs, medians, the
# RESULTS.md section). Sourced, never run: set BENCH_NAME (the prefix of messages) first, then
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Each script keeps its own measurement plan and report; see bench/README.md for the method.
# shellcheck shell=bash

[[ -n ${BENCH_NAME:-} ]] || { echo "bench/lib.sh: set BENCH_NAME before sourcing it" >&2; exit 2; }

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$BENCH_ROOT/bench
BENCH_RESULTS=$BENCH_DIR/RESULTS.md
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }
log() { echo "$BENCH_NAME: $*" >&2; }

# --- arguments ---------------------------------------------------------------------------------------
# The arguments every script takes: --write (WRITE=1: append the run to RESULTS.md) and -h/--help (the
# script's own usage function). Usage: bench_args "$@"
bench_args() {
  WRITE=0
  local arg
  for arg in "$@"; do
    case "$arg" in
      --write) WRITE=1 ;;
      -h | --help) usage; exit 0 ;;
      *) echo "$BENCH_NAME: unknown argument [$arg]" >&2; usage >&2; exit 2 ;;
    esac
  done
}

# --- settings ----------------------------------------------------------------------------------------
# Reads DURATION ROUNDS WARMUP CONNECTIONS SERVER_CPU LOAD_CPU (defaults as in run.sh) and validates them,
# plus the further CPU variables named in BENCH_EXTRA_CPUS (space-separated, already set by the caller).
# keepalive_setting: MAX_KEEPALIVE_REQUESTS, the container's maxKeepAliveRequests in a run. node:http keeps a
# connection for any number of requests; the container does the same unless told otherwise (Tomcat's default,
# 100, makes the client reconnect, and over TLS handshake again, every 100 requests: a cost of the setting that
# the baseline would not pay).
keepalive_setting() {
  MAX_KEEPALIVE_REQUESTS=${MAX_KEEPALIVE_REQUESTS:--1}
  [[ $MAX_KEEPALIVE_REQUESTS =~ ^(-1|[1-9][0-9]*)$ ]] ||
    die "MAX_KEEPALIVE_REQUESTS must be -1 or a positive whole number, got [$MAX_KEEPALIVE_REQUESTS]"
}

bench_settings() {
  DURATION=${DURATION:-10}
  ROUNDS=${ROUNDS:-3}
  WARMUP=${WARMUP:-2}
  CONNECTIONS=${CONNECTIONS:-50}
  SERVER_CPU=${SERVER_CPU:-0}
  LOAD_CPU=${LOAD_CPU:-1}
  keepalive_setting
  local name extra=()
  read -r -a extra <<<"${BENCH_EXTRA_CPUS:-}"
  for name in DURATION ROUNDS WARMUP CONNECTIONS SERVER_CPU LOAD_CPU "${extra[@]}"; do
    [[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a whole number, got [${!name}]"
  done
  ((DURATION >= 1 && DURATION <= 600)) || die "DURATION must be 1-600 seconds, got [$DURATION]"
  ((ROUNDS >= 1 && ROUNDS <= 20)) || die "ROUNDS must be 1-20, got [$ROUNDS]"
  ((WARMUP <= 60)) || die "WARMUP must be 0-60 seconds, got [$WARMUP]"
  ((CONNECTIONS >= 1 && CONNECTIONS <= 10000)) || die "CONNECTIONS must be 1-10000, got [$CONNECTIONS]"
  CPUS=$(nproc)
  for name in SERVER_CPU LOAD_CPU "${extra[@]}"; do
    ((${!name} < CPUS)) || die "$name [${!name}] must be below the number of CPUs [$CPUS]"
  done
  if ((CPUS < 2)); then
    log "warning: only one CPU: wrk and the servers share it, so absolute numbers mean little (the ratio still does)"
  elif ((SERVER_CPU == LOAD_CPU)); then
    log "warning: SERVER_CPU and LOAD_CPU are both [$SERVER_CPU]: wrk competes with the server for it"
  fi
}

# --- tools -------------------------------------------------------------------------------------------
# Installs Debian packages when missing and we are root; otherwise dies naming them. Usage: bench_apt WHAT PKG...
bench_apt() {
  local what=$1
  shift
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "$what is missing: installing $* with apt-get"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }; then
      die "apt-get could not install $*; install it by hand and run again"
    fi
  else
    die "$what is not installed. Install it (Debian/Ubuntu: sudo apt-get install $*) and run again"
  fi
}

bench_tools() {
  command -v node >/dev/null || die "node is not on PATH"
  command -v taskset >/dev/null || die "taskset is missing (Debian/Ubuntu: apt-get install util-linux)"
  if ! command -v wrk >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      log "wrk is missing: installing it with apt-get"
      bench_apt wrk wrk
    else
      die "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk) and run again"
    fi
  fi
}

# Builds when dist/ is missing; sets STALE to a note for RESULTS.md when dist/ is older than the sources.
bench_build() {
  if [[ ! -f $BENCH_ROOT/dist/startup/cli.js || ! -f $BENCH_ROOT/webapps/examples/WEB-INF/classes/hello-servlet.js ]]; then
    log "dist/ or the examples webapp's classes are missing: running npm run build"
    (cd "$BENCH_ROOT" && npm run build) || die "npm run build failed"
  fi
  STALE=
  if [[ -n $(find "$BENCH_ROOT/src" "$BENCH_ROOT/webapps/examples/WEB-INF/src" -name '*.ts' -newer "$BENCH_ROOT/dist/startup/cli.js" -print -quit 2>/dev/null) ]]; then
    STALE=" (dist/ is older than some sources)"
    log "warning: dist/ is older than some files in src/: the numbers are for the last build (npm run build to refresh)"
  fi
}

# --- processes ---------------------------------------------------------------------------------------
# Every process a script starts is registered with bench_track and stopped by PID at exit, newest first.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/serval-bench.XXXXXX")
BENCH_PIDS=()
WRK_PID=

bench_track() { BENCH_PIDS+=("$1"); }

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

stop_all() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${BENCH_PIDS[i]}"; done
  BENCH_PIDS=()
}

bench_cleanup() {
  [[ -z $WRK_PID ]] || kill -TERM "$WRK_PID" 2>/dev/null || true
  stop_all
  rm -rf "$TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

# Prints "<status> <body>" of one GET of a URL (http or https; certificates are not checked), or nothing
# when nothing answers within PROBE_TIMEOUT_MS [1000]. Extra arguments are request headers as "Name: value".
probe() {
  node -e "
    const url = new URL(process.argv[1]);
    const headers = {};
    for (const h of process.argv.slice(2)) { const i = h.indexOf(':'); headers[h.slice(0, i)] = h.slice(i + 1).trim(); }
    const client = url.protocol === 'https:' ? require('node:https') : require('node:http');
    const req = client.get(url, { timeout: Number(process.env.PROBE_TIMEOUT_MS || 1000), headers, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => console.log(res.statusCode + ' ' + Buffer.concat(chunks).toString('utf8')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => {});
  " "$@" 2>/dev/null || true
}

# Waits until URL answers 200 with the expected body (or any body when it is "*").
wait_ready() {
  local name=$1 url=$2 pid=$3 logfile=$4 expected=$5 answer='' deadline=$((SECONDS + STARTUP_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2 || true; die "$name exited during startup (log: $logfile)"; }
    answer=$(probe "$url")
    if [[ $expected == '*' ]]; then [[ $answer == "200 "* ]] && return 0
    elif [[ $answer == "200 $expected" ]]; then return 0; fi
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not answer GET $url with 200 [$expected] within ${STARTUP_TIMEOUT} s (last answer: [${answer:0:200}]; log: $logfile)"
}

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

CLK_TCK=$(getconf CLK_TCK)
# wrk options of every run (set after bench_settings); WRK_EXTRA is added per measurement (headers).
WRK_ARGS=()
WRK_EXTRA=()

# Runs wrk in the background and waits for it, so that a signal interrupts the wait and cleanup can stop it.
run_wrk() {
  local seconds=$1 url=$2 out=$3 rc=0
  timeout $((seconds + 30)) taskset -c "$LOAD_CPU" wrk "${WRK_ARGS[@]}" "${WRK_EXTRA[@]}" "-d${seconds}s" "$url" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=
  return "$rc"
}

# CPU time (user + system, clock ticks) the given processes, their children and their reaped children have
# used so far (httpd and Tomcat's launcher have children; a node server has only threads, counted in it).
cpu_ticks() {
  local pid all=()
  for pid in "$@"; do
    all+=("$pid")
    # shellcheck disable=SC2207 # pids are words
    all+=($(pgrep -P "$pid" 2>/dev/null || true))
  done
  local total=0 t
  for pid in "${all[@]}"; do
    t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}

# Softirq time (clock ticks) CPU N has spent so far: network delivery on loopback, including waking the
# receiving process. The kernel accounts it to the CPU, not to the process that was running, so it is not in
# cpu_ticks.
softirq_ticks() {
  awk -v cpu="cpu$1" '$1 == cpu { print $8 }' /proc/stat
}

# One measured run after a warm-up: measure NAME URL PID [CPU_PIDS...]. Sets M_RPS, M_P50, M_P99 (ms),
# M_BYTES_PER_REQ, M_CPU (CPU µs per request of PID, or of the space-separated pid groups
# given: one value per group in M_CPUS; steadier than req/s when something else on the machine steals wrk's
# CPU) and M_SOFTIRQ (softirq µs per request on SERVER_CPU). Dies on errors, non-2xx answers or output it
# cannot read.
measure() {
  local name=$1 url=$2 pid=$3
  shift 3
  local groups=("$@")
  ((${#groups[@]})) || groups=("$pid")
  local out=$TMP/wrk-$name.txt bad errors p50 p99 requests i bytes
  local -a before=()
  kill -0 "$pid" 2>/dev/null || die "$name is no longer running"
  if ((WARMUP > 0)); then
    run_wrk "$WARMUP" "$url" "$TMP/warmup.txt" || die "wrk warm-up against $name failed: $(cat "$TMP/warmup.txt")"
  fi
  # shellcheck disable=SC2086 # a group is a space-separated pid list
  for i in "${!groups[@]}"; do before[i]=$(cpu_ticks ${groups[i]}); done
  local softirq_before
  softirq_before=$(softirq_ticks "$SERVER_CPU")
  run_wrk "$DURATION" "$url" "$out" || die "wrk against $name failed: $(cat "$out")"
  M_CPUS=()
  requests=$(awk '/ requests in / { print $1 }' "$out")
  M_SOFTIRQ=$(awk -v t="$(($(softirq_ticks "$SERVER_CPU") - softirq_before))" -v hz="$CLK_TCK" -v n="$requests" \
    'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
  # shellcheck disable=SC2086
  for i in "${!groups[@]}"; do
    M_CPUS[i]=$(awk -v t="$(($(cpu_ticks ${groups[i]}) - before[i]))" -v hz="$CLK_TCK" -v n="$requests" \
      'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
  done
  M_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  errors=$(grep 'Socket errors:' "$out" || true)
  [[ -n $M_RPS && -n $p50 && -n $p99 && -n $requests ]] || die "cannot read wrk's output for $name: $(cat "$out")"
  [[ -z $bad ]] || die "$name answered [$bad] non-2xx/3xx responses: the numbers would be meaningless. $(cat "$out")"
  kill -0 "$pid" 2>/dev/null || die "$name exited during the run"
  [[ -z $errors ]] || log "warning: $name: $errors"
  # "Transfer/sec: 1.23MB" over the run: bytes per response, headers included (shows compression at work).
  bytes=$(awk '/^Transfer\/sec:/ { v = $2 + 0; u = $2; sub(/^[0-9.]+/, "", u); f = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : 1; print v * f }' "$out")
  M_BYTES_PER_REQ=$(awk -v b="${bytes:-0}" -v r="$M_RPS" 'BEGIN { printf "%.0f", (r > 0 ? b / r : 0) }')
  M_P50=$(to_ms "$p50")
  M_P99=$(to_ms "$p99")
  M_CPU=${M_CPUS[0]}
}

# Per-series results, keyed by a series name: space-separated values, one per round.
declare -A RPS=() P50=() P99=() CPU=() CPU2=() BYTES=() SOFTIRQ=()

# Appends the last measure's numbers to series KEY.
record() {
  local key=$1
  RPS[$key]+="$M_RPS "
  P50[$key]+="$M_P50 "
  P99[$key]+="$M_P99 "
  CPU[$key]+="$M_CPU "
  CPU2[$key]+="${M_CPUS[1]:-} "
  BYTES[$key]+="$M_BYTES_PER_REQ "
  SOFTIRQ[$key]+="$M_SOFTIRQ "
}

# shellcheck disable=SC2086 # the series are space-separated numbers
med_rps() { median ${RPS[$1]}; }
# shellcheck disable=SC2086
med_cpu() { median ${CPU[$1]}; }
# shellcheck disable=SC2086
med_cpu2() { median ${CPU2[$1]}; }
# shellcheck disable=SC2086
med_softirq() { median ${SOFTIRQ[$1]}; }

# ratio A B: A / B with 3 decimals (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b != 0 ? a / b : 0) }'; }
# verdict VALUE TARGET: "met" when VALUE >= TARGET.
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t) ? "met" : "NOT met" }'; }

# verdict_both KEY_A KEY_B TARGET: "met" only when both the ratio of the medians and the median of the
# per-round ratios of A / B reach TARGET (on a busy host one of them alone can be luck).
verdict_both() {
  local medians rounds
  medians=$(ratio "$(med_rps "$1")" "$(med_rps "$2")")
  rounds=$(paired "$1" "$2" | cut -d' ' -f1)
  awk -v a="$medians" -v b="$rounds" -v t="$3" 'BEGIN { print (a >= t && b >= t) ? "met" : "NOT met" }'
}

# The two runs of one round are back to back, so their ratio shares the machine's load of that moment; the
# median of those ratios resists a noisy host better than the ratio of the medians. paired KEY_A KEY_B.
paired() {
  awk -v s="${RPS[$1]}" -v b="${RPS[$2]}" 'BEGIN {
    n = split(s, sv, " "); split(b, bv, " ")
    for (i = 1; i <= n; i++) r[i] = sv[i] / bv[i]
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
    m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
    list = ""; for (i = 1; i <= n; i++) list = list (i > 1 ? ", " : "") sprintf("%.2f", sv[i] / bv[i])
    printf "%.3f (rounds: %s)", m, list
  }'
}

table_header() {
  echo "| server | req/s (median) | p50 ms | p99 ms | server CPU µs/req | req/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
}

# row KEY LABEL [EXTRA_CELLS]: one table line of series KEY; EXTRA_CELLS (pre-formatted, each " value |") go
# between the CPU column and the per-round list.
row() {
  local key=$1 label=$2 cells=${3:-}
  # shellcheck disable=SC2086
  printf '| %s | %.0f | %s | %s | %s |%s %s |\n' "$label" "$(median ${RPS[$key]})" "$(median ${P50[$key]})" \
    "$(median ${P99[$key]})" "$(median ${CPU[$key]})" "$cells" "$(printf '%.0f ' ${RPS[$key]} | sed 's/ $//; s/ /, /g')"
}

load_average() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }

# Appends a dated section to RESULTS.md: bench_write TITLE COMMAND DETAIL BODY, where DETAIL describes one
# wrk run and BODY is the report. Machine, versions and the commit are filled in here; VERSIONS_EXTRA (if set)
# lists peers' versions, PINNING (if set) replaces the default line about CPUs.
bench_write() {
  local title=$1 command=$2 detail=$3 body=$4 cpu_model commit
  cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  commit=$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$BENCH_ROOT" status --porcelain -- src webapps conf 2>/dev/null) ]]; then commit="$commit + uncommitted changes"; fi
  if [[ ! -f $BENCH_RESULTS ]]; then
    # shellcheck disable=SC2016 # literal backticks: markdown code
    printf '# Benchmark results\n\nAppended by `bash bench/run.sh --write`; see bench/README.md.\n' >"$BENCH_RESULTS"
  fi
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $title"
    echo
    echo "- Machine: $CPUS CPUs${cpu_model:+ ($cpu_model)}, $(uname -sr); ${PINNING:-servers pinned to CPU $SERVER_CPU, wrk to CPU $LOAD_CPU};"
    echo "  load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
    echo "- Node $(node --version), $(wrk --version 2>&1 | head -n 1 | awk '{ print $1, $2 }')${VERSIONS_EXTRA:+, $VERSIONS_EXTRA}, code at $commit$STALE"
    echo "- Command: \`$command\`"
    echo "  ($detail)"
    echo
    echo "$body"
  } >>"$BENCH_RESULTS"
  log "results appended to $BENCH_RESULTS"
}

# --- the container -----------------------------------------------------------------------------------
# write_serval_base DIR CONNECTORS CONTEXTS: a private CATALINA_BASE for a run (conf/server.xml with the given
# <Connector> and <Context> elements, the repo's conf/web.xml, logs/). An empty appBase: only the listed
# contexts are deployed. The buffered AccessLogValve is on (Tomcat's default server.xml) unless ACCESS_LOG=0.
write_serval_base() {
  local dir=$1 connectors=$2 contexts=$3 valve=''
  mkdir -p "$dir/conf" "$dir/logs" "$dir/temp" "$dir/appbase"
  cp "$BENCH_ROOT/conf/web.xml" "$dir/conf/web.xml"
  if [[ ${ACCESS_LOG:-1} != 0 ]]; then
    valve='<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"
               prefix="localhost_access_log" suffix=".txt" buffered="true"
               pattern="%h %l %u %t &quot;%r&quot; %s %b" />'
  fi
  cat >"$dir/conf/server.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by bench/$BENCH_NAME for one run. -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    $connectors
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="$dir/appbase" unpackWARs="false" autoDeploy="false">
        $contexts
        $valve
      </Host>
    </Engine>
  </Service>
</Server>
XML
}

# start_serval BASE LOG: runs bin/catalina from CATALINA_BASE on SERVER_CPU (SERVAL_NODE_ARGS are extra node
# options); sets SERVAL_PID.
start_serval() {
  local base=$1 logfile=$2 node_args=()
  if [[ -n ${SERVAL_NODE_ARGS:-} ]]; then read -r -a node_args <<<"$SERVAL_NODE_ARGS"; fi
  CATALINA_HOME=$BENCH_ROOT CATALINA_BASE=$base \
    taskset -c "$SERVER_CPU" node "${node_args[@]}" "$BENCH_ROOT/bin/catalina" run >"$logfile" 2>&1 &
  SERVAL_PID=$!
  bench_track "$SERVAL_PID"
}

# copy_bench_webapp DIR: the bench webapp (bench/webapp: the text servlet) into DIR, which the
# caller fills with generated files.
copy_bench_webapp() {
  mkdir -p "$1"
  cp -R "$BENCH_DIR/webapp/." "$1/"
}
