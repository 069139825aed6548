#!/usr/bin/env bash
# bench/instructions.sh: user-space instructions per request on the server's main thread, counted by
# valgrind's callgrind, for GET /examples/hello through Serval's full pipeline (AccessLogValve on, the
# bench CATALINA_BASE) against plain node:http and against a bare llhttp floor (bench/floor-llhttp.js).
# Instruction counts do not depend on what else the machine is doing, so they compare runs made on a busy
# host; they leave out the kernel's share (system calls) and cache effects, which wrk's req/s include.
# Usage: [WARM=60000] [MEASURED=60000] [CONNECTIONS=10] bash bench/instructions.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF2'
Usage: bash bench/instructions.sh [--write]

Starts each server under valgrind --tool=callgrind with instrumentation off, sends WARM requests (JIT
warm-up), switches instrumentation on, sends MEASURED requests with bench/keepalive-client.js over
CONNECTIONS keep-alive connections, dumps, and divides the main thread's instruction count by MEASURED.
Takes a few minutes (valgrind runs node about 50 times slower).

  --write   also append a dated section with the results to bench/RESULTS.md

Environment: TARGET [hello] (hello: GET /examples/hello against node:http and the llhttp floor unless BASELINES=0; static: GET
/static/1k.txt from the DefaultServlet, a 1 KB text file of bench/make-files.js, Serval alone), WARM [60000],
MEASURED [60000], CONNECTIONS [10], MAX_KEEPALIVE_REQUESTS [-1] (the container's
maxKeepAliveRequests; -1 keeps connections open as node:http does). One-off costs that fall inside the window
(a collection of the old generation, say) weigh more in a short one: 20000 requests once read 78.0k for
Serval where 60000 read 69.2k on the same code, so the default spreads them over 60000.
EOF2
}

BENCH_NAME=instructions.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
WARM=${WARM:-60000}
MEASURED=${MEASURED:-60000}
CONNECTIONS=${CONNECTIONS:-10}
keepalive_setting
for name in WARM MEASURED CONNECTIONS; do
  [[ ${!name} =~ ^[0-9]+$ && ${!name} -gt 0 ]] || die "$name must be a positive whole number, got [${!name}]"
done
command -v valgrind >/dev/null || bench_apt valgrind valgrind
command -v callgrind_control >/dev/null || die "callgrind_control is missing (it comes with valgrind)"
bench_build

ROOT=$BENCH_ROOT
BENCH=$BENCH_DIR
BASE=$BENCH/serval-base
TARGET=${TARGET:-hello}
case $TARGET in
  hello)
    URL_PATH=/examples/hello
    BODY='Hello, World!'
    ;;
  static)
    URL_PATH=/static/1k.txt
    # keepalive-client.js checks the body it gets: the file's own bytes.
    node "$BENCH_DIR/make-files.js" "$TMP/static-docs" 1k.txt:1024 >/dev/null
    BODY=$(cat "$TMP/static-docs/1k.txt")
    ;;
  *) die "TARGET must be hello or static, got [$TARGET]" ;;
esac

# Runs one server under callgrind and prints its instructions per request. Usage: measure LABEL PORT CMD...
measure() {
  local label=$1 port=$2
  shift 2
  local out=$TMP/callgrind.$label
  valgrind --tool=callgrind --smc-check=all-non-file --instr-atstart=no --separate-threads=yes \
    --callgrind-out-file="$out" "$@" >"$TMP/$label.log" 2>&1 &
  local pid=$!
  bench_track "$pid"
  local i
  for ((i = 0; i < 240; i++)); do
    [[ $(probe "http://127.0.0.1:$port$URL_PATH") == "200 $BODY" ]] && break
    kill -0 "$pid" 2>/dev/null || die "$label exited during startup; see its log:$(tail -5 "$TMP/$label.log")"
    sleep 1
  done
  ((i < 240)) || die "$label did not answer within 240 s under valgrind"
  node "$BENCH/keepalive-client.js" "$port" "$URL_PATH" "$BODY" "$WARM" "$CONNECTIONS" || die "$label: warm-up failed"
  callgrind_control -i on "$pid" >/dev/null 2>&1
  node "$BENCH/keepalive-client.js" "$port" "$URL_PATH" "$BODY" "$MEASURED" "$CONNECTIONS" || die "$label: measured run failed"
  callgrind_control -d "$pid" >/dev/null 2>&1
  callgrind_control -i off "$pid" >/dev/null 2>&1
  stop_pid "$pid"
  # Dump 1, thread 01 (the main thread: JavaScript, the parser, the event loop).
  local file=$out.1-01
  [[ -f $file ]] || die "$label: callgrind wrote no dump for the main thread ($file)"
  local total
  total=$(awk '/^totals:/ {print $2}' "$file")
  echo $((total / MEASURED))
}

mkdir -p "$BASE/logs"
cp "$ROOT/conf/web.xml" "$BASE/conf/web.xml"
rm -f "$BASE"/logs/localhost_access_log*

FLOOR=-
BASELINE=-
if [[ $TARGET == hello && ${BASELINES:-1} == 1 ]]; then
  FLOOR_PORT=$(free_port)
  log "llhttp floor: measuring (port $FLOOR_PORT)"
  FLOOR=$(measure floor "$FLOOR_PORT" node "$BENCH/floor-llhttp.js" "$FLOOR_PORT")
  BASELINE_PORT=$(free_port)
  log "node:http baseline: measuring (port $BASELINE_PORT)"
  BASELINE=$(measure baseline "$BASELINE_PORT" node "$BENCH/baseline-node-http.js" "$BASELINE_PORT")
fi
# The static file's Context, as a context descriptor of the bench base (removed when the script exits).
DESCRIPTOR=$BASE/conf/Catalina/localhost/static.xml
rm -f "$DESCRIPTOR"
if [[ $TARGET == static ]]; then
  mkdir -p "$(dirname "$DESCRIPTOR")"
  echo "<Context docBase=\"$TMP/static-docs\"/>" >"$DESCRIPTOR"
  trap 'rm -f "$DESCRIPTOR"; bench_cleanup' EXIT
fi
SERVAL_PORT=$(free_port)
cat >"$BASE/conf/catalina.properties" <<EOF2
# Written by bench/instructions.sh at every run; read by conf/server.xml.
bench.port=$SERVAL_PORT
bench.appBase=$ROOT/webapps
bench.maxKeepAliveRequests=$MAX_KEEPALIVE_REQUESTS
EOF2
log "Serval: measuring (port $SERVAL_PORT)"
SERVAL=$(CATALINA_HOME=$ROOT CATALINA_BASE=$BASE measure serval "$SERVAL_PORT" node "$ROOT/bin/catalina" run)

RATIO=$(awk -v b="$BASELINE" -v s="$SERVAL" 'BEGIN { if (b == "-") print "-"; else printf "%.3f", b / s }')
TABLE="| server | instructions/request (main thread) |
|---|---:|
| llhttp floor (bench/floor-llhttp.js) | $FLOOR |
| node:http baseline | $BASELINE |
| Serval, full pipeline + AccessLogValve | $SERVAL |"
SUMMARY="Instructions per request, node:http / Serval: **$RATIO** (the req/s ratio a purely CPU-bound server on the same kernel path would reach; target of bench/run.sh: ≥ 0.9)."
echo "$TABLE"
echo
echo "$SUMMARY"
if ((WRITE)); then
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M') UTC, instructions per request, GET $URL_PATH (callgrind)"
    echo
    echo "- Node $(node --version), $(valgrind --version), code at $(git -C "$ROOT" rev-parse --short HEAD)$STALE"
    echo "- Command: \`TARGET=$TARGET WARM=$WARM MEASURED=$MEASURED CONNECTIONS=$CONNECTIONS MAX_KEEPALIVE_REQUESTS=$MAX_KEEPALIVE_REQUESTS bash bench/instructions.sh --write\`"
    echo
    echo "$TABLE"
    echo
    echo "$SUMMARY"
  } >>"$BENCH_RESULTS"
  log "appended to $BENCH_RESULTS"
fi
