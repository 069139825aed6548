#!/usr/bin/env bash
# bench/ajp.sh (issue #6): the hello servlet through Apache httpd → AJP (mod_proxy_ajp) → Serval against
# httpd → HTTP (mod_proxy_http) → Serval, side by side in one run. See bench/README.md.
# Usage: [DURATION=10] [ROUNDS=3] bash bench/ajp.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash bench/ajp.sh [--write]

Starts one container with an HTTP/1.1 and an AJP/1.3 connector (the examples webapp) and two Apache httpd
front ends from private configs, identical but for the proxy module and ProxyPass line: one forwards to the
AJP connector (mod_proxy_ajp, with the connector's secret), the other to the HTTP connector (mod_proxy_http).
wrk loads GET /examples/hello through one front end at a time, interleaved for ROUNDS rounds.
Target (issue #6): AJP at least as fast as HTTP proxying through the same httpd (req/s ratio ≥ 1.0).

Pinning on a 2-CPU machine (defaults): the container alone on SERVER_CPU [0]; httpd and wrk share
FRONT_CPU [1] and LOAD_CPU [1]. The container is the part that differs (AJP vs HTTP parsing and framing), so it
gets a CPU of its own; httpd's CPU per request is reported too (the proxy modules differ as well).

  --write   also append a dated section with the results to bench/RESULTS.md

Environment (defaults in brackets): DURATION [10], WARMUP [2], ROUNDS [3], CONNECTIONS [50], SERVER_CPU [0],
FRONT_CPU [1], LOAD_CPU [1], ACCESS_LOG [1] (0 = no AccessLogValve), SERVAL_NODE_ARGS (extra node options for
the container, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
EOF
}

BENCH_NAME=ajp.sh
FRONT_CPU=${FRONT_CPU:-1}
BENCH_EXTRA_CPUS=FRONT_CPU
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
bench_settings
bench_tools
bench_build
APACHE=/usr/sbin/apache2
MODULES=/usr/lib/apache2/modules
[[ -x $APACHE && -f $MODULES/mod_proxy_ajp.so && -f $MODULES/mod_proxy_http.so ]] || bench_apt "Apache httpd" apache2
HELLO='Hello, World!'
URL_PATH=/examples/hello
TARGET_RATIO=1.0
SECRET=bench-secret-$RANDOM$RANDOM

# --- the container -----------------------------------------------------------------------------------
HTTP_PORT=$(free_port)
AJP_PORT=$(free_port)
# The HTTP connector keeps its back-end connections as long as httpd wants them (maxKeepAliveRequests -1), as
# the AJP connector does, so the HTTP side is not handicapped by reconnecting every 100 requests.
CONNECTORS="<Connector address=\"127.0.0.1\" port=\"$HTTP_PORT\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\" maxKeepAliveRequests=\"-1\"/>
    <Connector address=\"127.0.0.1\" port=\"$AJP_PORT\" protocol=\"AJP/1.3\" secret=\"$SECRET\"/>"
BASE=$TMP/serval-base
write_serval_base "$BASE" "$CONNECTORS" "<Context path=\"/examples\" docBase=\"$BENCH_ROOT/webapps/examples\"/>"
start_serval "$BASE" "$TMP/serval.out"
wait_ready "the container" "http://127.0.0.1:$HTTP_PORT$URL_PATH" "$SERVAL_PID" "$TMP/serval.out" "$HELLO"

# --- the front ends ----------------------------------------------------------------------------------
# httpd_config DIR PORT KIND: the same config for both (event MPM, enough threads for every wrk connection,
# keep-alive, no access log), differing only in the proxy module and the ProxyPass target.
httpd_config() {
  local dir=$1 port=$2 kind=$3 module target
  if [[ $kind == ajp ]]; then
    module=proxy_ajp_module
    target="ajp://127.0.0.1:$AJP_PORT/ secret=$SECRET"
  else
    module=proxy_http_module
    target="http://127.0.0.1:$HTTP_PORT/"
  fi
  mkdir -p "$dir/run"
  cat >"$dir/httpd.conf" <<EOF
ServerRoot "$dir"
DefaultRuntimeDir "$dir/run"
PidFile "$dir/run/httpd.pid"
Mutex file:$dir/run default
LoadModule mpm_event_module $MODULES/mod_mpm_event.so
LoadModule authz_core_module $MODULES/mod_authz_core.so
LoadModule proxy_module $MODULES/mod_proxy.so
LoadModule $module $MODULES/mod_${module%_module}.so
User nobody
Group nogroup
ServerName 127.0.0.1
Listen 127.0.0.1:$port
ErrorLog "$dir/error.log"
LogLevel warn
StartServers 1
ServerLimit 2
ThreadsPerChild $((CONNECTIONS + 14))
MaxRequestWorkers $((2 * (CONNECTIONS + 14)))
MinSpareThreads 1
MaxSpareThreads $((2 * (CONNECTIONS + 14)))
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 20
ProxyRequests Off
ProxyPass / $target retry=0
ProxyPassReverse / ${target%% *}
EOF
}

declare -A FRONT_PORT=() FRONT_PID=()
for kind in ajp http; do
  dir=$TMP/httpd-$kind
  FRONT_PORT[$kind]=$(free_port)
  httpd_config "$dir" "${FRONT_PORT[$kind]}" "$kind"
  "$APACHE" -f "$dir/httpd.conf" -t >"$TMP/httpd-$kind.check" 2>&1 || die "httpd rejects its $kind config: $(cat "$TMP/httpd-$kind.check")"
  taskset -c "$FRONT_CPU" "$APACHE" -f "$dir/httpd.conf" -DFOREGROUND >"$dir/console.log" 2>&1 &
  FRONT_PID[$kind]=$!
  bench_track "${FRONT_PID[$kind]}"
done
for kind in ajp http; do
  wait_ready "httpd → $kind" "http://127.0.0.1:${FRONT_PORT[$kind]}$URL_PATH" "${FRONT_PID[$kind]}" "$TMP/httpd-$kind/error.log" "$HELLO"
done

# --- measurement -------------------------------------------------------------------------------------
WRK_ARGS=(-t1 "-c$CONNECTIONS" --latency)
TOTAL=$((ROUNDS * 2 * (WARMUP + DURATION)))
LOAD_BEFORE=$(load_average)
log "container pid $SERVAL_PID on CPU $SERVER_CPU (HTTP :$HTTP_PORT, AJP :$AJP_PORT); httpd → AJP :${FRONT_PORT[ajp]} and httpd → HTTP :${FRONT_PORT[http]} on CPU $FRONT_CPU; wrk on CPU $LOAD_CPU"
log "$ROUNDS rounds x 2 front ends x (${WARMUP} s warm-up + ${DURATION} s): about ${TOTAL} s"
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order=(http ajp); else order=(ajp http); fi
  for kind in "${order[@]}"; do
    # CPU per request of the container (first) and of this httpd with its children (second).
    measure "$kind" "http://127.0.0.1:${FRONT_PORT[$kind]}$URL_PATH" "$SERVAL_PID" "$SERVAL_PID" "${FRONT_PID[$kind]}"
    record "$kind"
    log "round $round/$ROUNDS httpd → $kind: $M_RPS req/s, p50 $M_P50 ms, p99 $M_P99 ms, CPU µs/request: container $M_CPU, httpd ${M_CPUS[1]}"
  done
done
LOAD_AFTER=$(load_average)
log "load average before/after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine makes numbers noisy)"
HTTPD_ERRORS=$(cat "$TMP/httpd-ajp/error.log" "$TMP/httpd-http/error.log" 2>/dev/null | grep -c -E '\[(proxy|proxy_ajp|proxy_http):error\]' || true)
stop_all

# --- report ------------------------------------------------------------------------------------------
# shellcheck disable=SC2086
httpd_cell() { printf ' %.1f |' "$(median ${CPU2[$1]})"; }
RATIO=$(ratio "$(med_rps ajp)" "$(med_rps http)")
TABLE=$(
  echo "| path | req/s (median) | p50 ms | p99 ms | container CPU µs/req | httpd CPU µs/req | req/s per round |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  row http "httpd → mod_proxy_http → Serval HTTP/1.1" "$(httpd_cell http)"
  row ajp "httpd → mod_proxy_ajp → Serval AJP/1.3" "$(httpd_cell ajp)"
  echo
  echo "Ratio AJP / HTTP proxying: **$RATIO**, median of per-round ratios $(paired ajp http) (target ≥ $TARGET_RATIO on both: $(verdict_both ajp http "$TARGET_RATIO"))."
  echo "Container CPU per request, AJP / HTTP: $(ratio "$(med_cpu ajp)" "$(med_cpu http)"); httpd CPU per request, mod_proxy_ajp / mod_proxy_http: $(ratio "$(med_cpu2 ajp)" "$(med_cpu2 http)")."
  echo "Proxy errors in httpd's error logs: $HTTPD_ERRORS."
)
echo
echo "$TABLE"

if ((WRITE)); then
  PINNING="container pinned to CPU $SERVER_CPU, both httpd to CPU $FRONT_CPU, wrk to CPU $LOAD_CPU"
  VERSIONS_EXTRA="$("$APACHE" -v 2>/dev/null | awk -F': ' '/^Server version/ { print $2 }')"
  bench_write "GET $URL_PATH through httpd, AJP vs HTTP proxying (issue #6)" \
    "DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS bash bench/ajp.sh --write" \
    "each run: \`taskset -c $LOAD_CPU wrk ${WRK_ARGS[*]} -d${DURATION}s http://127.0.0.1:HTTPD_PORT$URL_PATH\`, after a ${WARMUP} s warm-up; httpd event MPM, ThreadsPerChild $((CONNECTIONS + 14)), keep-alive on, \`ProxyPass / ajp://…/ secret=… retry=0\` vs \`ProxyPass / http://…/ retry=0\`; the HTTP connector with maxKeepAliveRequests=-1; AccessLogValve $([[ ${ACCESS_LOG:-1} != 0 ]] && echo on || echo off)" \
    "$TABLE"
fi
