#!/usr/bin/env bash
# bench/connector.sh (issue #3): the hello servlet over HTTP and HTTPS keep-alive, and a 4 KB text servlet
# with and without compression, through Serval's full pipeline against plain node:http / node:https doing the
# same, side by side in one run. See bench/README.md. Usage: [DURATION=10] [ROUNDS=3] bash bench/connector.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash bench/connector.sh [--write]

Starts the container (four connectors: HTTP, HTTP with compression="on", HTTPS, HTTPS with compression="on";
the examples webapp and the bench webapp) and bench/baseline-node.js (node:http and node:https listeners doing
the same), both pinned to one CPU, and loads one series at a time with wrk from another CPU, interleaved for
ROUNDS rounds. Per transport (http, https) three series per server:
  hello       GET /examples/hello (13 bytes)
  text        GET /bench/text, 4 KB of text, Accept-Encoding: gzip, compression off
  text+gzip   the same on the compressing listener (node: zlib.gzipSync per request at Serval's level)
Targets (issue #3): hello over HTTP ≥ 0.9 × node:http; hello over HTTPS ≥ 0.9 × node:https; enabling
compression costs no more than the zlib work itself: Serval's extra CPU µs/request for text+gzip over text is
at most node's extra for the same (gzipSync of the same body at the same level).

  --write   also append a dated section with the results to bench/RESULTS.md

Environment (defaults in brackets): DURATION [10], WARMUP [2], ROUNDS [3], CONNECTIONS [50], SERVER_CPU [0],
LOAD_CPU [1], ACCESS_LOG [1] (0 = no AccessLogValve), MAX_KEEPALIVE_REQUESTS [-1] (the container's
maxKeepAliveRequests; -1 keeps connections open as node does, 100 is Tomcat's default), SERVAL_NODE_ARGS (extra node options for the container,
e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), SERIES (space-separated subset of the series names below).
EOF
}

BENCH_NAME=connector.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
bench_settings
bench_tools
bench_build
command -v openssl >/dev/null || bench_apt openssl openssl
HELLO='Hello, World!'
TARGET_HELLO=0.9

# --- files and certificates --------------------------------------------------------------------------
APP=$TMP/bench-webapp
copy_bench_webapp "$APP"
node "$BENCH_DIR/make-files.js" "$APP/WEB-INF" text-4k.txt:4096
TEXT_FILE=$APP/WEB-INF/text-4k.txt
TEXT=$(cat "$TEXT_FILE")
# A throwaway self-signed EC P-256 certificate for both servers (wrk does not verify it).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 2 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.log" || die "openssl failed: $(cat "$TMP/openssl.log")"

# --- processes ---------------------------------------------------------------------------------------
declare -A S_PORT=() N_PORT=()
for listener in http http-gzip https https-gzip; do
  S_PORT[$listener]=$(free_port)
  N_PORT[$listener]=$(free_port)
done
tls_connector() {
  local port=$1 attrs=$2
  echo "<Connector address=\"127.0.0.1\" port=\"$port\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\" $KEEPALIVE_ATTR SSLEnabled=\"true\" $attrs>
      <SSLHostConfig><Certificate certificateFile=\"$TMP/cert.pem\" certificateKeyFile=\"$TMP/key.pem\"/></SSLHostConfig>
    </Connector>"
}
GZIP_ATTRS='compression="on"'
# Keep connections as long as node does (see keepalive_setting in lib.sh): over TLS, Tomcat's default of 100
# would charge Serval alone a full handshake every 100 requests.
KEEPALIVE_ATTR="maxKeepAliveRequests=\"$MAX_KEEPALIVE_REQUESTS\""
CONNECTORS="<Connector address=\"127.0.0.1\" port=\"${S_PORT[http]}\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\" $KEEPALIVE_ATTR/>
    <Connector address=\"127.0.0.1\" port=\"${S_PORT[http-gzip]}\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\" $KEEPALIVE_ATTR $GZIP_ATTRS/>
    $(tls_connector "${S_PORT[https]}" '')
    $(tls_connector "${S_PORT[https-gzip]}" "$GZIP_ATTRS")"
CONTEXTS="<Context path=\"/examples\" docBase=\"$BENCH_ROOT/webapps/examples\"/>
        <Context path=\"/bench\" docBase=\"$APP\"/>"
BASE=$TMP/serval-base
write_serval_base "$BASE" "$CONNECTORS" "$CONTEXTS"
start_serval "$BASE" "$TMP/serval.out"
taskset -c "$SERVER_CPU" node "$BENCH_DIR/baseline-node.js" --http "${N_PORT[http]}" --http-gzip "${N_PORT[http-gzip]}" \
  --https "${N_PORT[https]}" --https-gzip "${N_PORT[https-gzip]}" --cert "$TMP/cert.pem" --key "$TMP/key.pem" \
  --text "$TEXT_FILE" >"$TMP/baseline.out" 2>&1 &
NODE_PID=$!
bench_track "$NODE_PID"

for listener in http https; do
  scheme=${listener%%-*}
  wait_ready "the node:$scheme baseline" "$scheme://127.0.0.1:${N_PORT[$listener]}/examples/hello" "$NODE_PID" "$TMP/baseline.out" "$HELLO"
  wait_ready "the container ($listener)" "$scheme://127.0.0.1:${S_PORT[$listener]}/examples/hello" "$SERVAL_PID" "$TMP/serval.out" "$HELLO"
done
[[ $(probe "http://127.0.0.1:${S_PORT[http]}/bench/text") == "200 $TEXT" ]] || die "the container does not serve /bench/text as expected"
# Both compressing listeners must really gzip (else the comparison measures nothing): check the encoding.
check_gzip() {
  node -e "
    const url = new URL(process.argv[1]);
    const client = url.protocol === 'https:' ? require('node:https') : require('node:http');
    client.get(url, { headers: { 'accept-encoding': 'gzip' }, rejectUnauthorized: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const ok = res.headers['content-encoding'] === 'gzip' && require('node:zlib').gunzipSync(body).equals(require('node:fs').readFileSync(process.argv[2]));
        console.log(ok ? 'gzip ' + body.length : 'not gzip: ' + res.statusCode + ' ' + JSON.stringify(res.headers));
      });
    }).on('error', (e) => console.log('error ' + e.message));
  " "$1" "$TEXT_FILE"
}
for listener in http-gzip https-gzip; do
  scheme=${listener%%-*}
  for side in serval node; do
    if [[ $side == serval ]]; then port=${S_PORT[$listener]}; else port=${N_PORT[$listener]}; fi
    answer=$(check_gzip "$scheme://127.0.0.1:$port/bench/text")
    [[ $answer == gzip* ]] || die "$side on $listener did not gzip /bench/text: $answer"
    log "$side $listener: /bench/text gzipped to ${answer#gzip } bytes"
  done
done

# --- measurement -------------------------------------------------------------------------------------
WRK_ARGS=(-t1 "-c$CONNECTIONS" --latency)
ALL_SERIES="http-hello http-text http-text+gzip https-hello https-text https-text+gzip"
SERIES=${SERIES:-$ALL_SERIES}
for s in $SERIES; do [[ " $ALL_SERIES " == *" $s "* ]] || die "unknown series [$s] (known: $ALL_SERIES)"; done
# series_url SIDE SERIES: sets URL (what wrk loads) and WRK_EXTRA (its headers).
series_url() {
  local side=$1 series=$2 scheme=${2%%-*} what=${2#*-} listener port path
  listener=$scheme
  [[ $what == text+gzip ]] && listener=$scheme-gzip
  if [[ $side == serval ]]; then port=${S_PORT[$listener]}; else port=${N_PORT[$listener]}; fi
  path=/bench/text
  WRK_EXTRA=(-H 'Accept-Encoding: gzip')
  if [[ $what == hello ]]; then path=/examples/hello; WRK_EXTRA=(); fi
  URL=$scheme://127.0.0.1:$port$path
}

read -r -a SERIES_LIST <<<"$SERIES"
TOTAL=$((ROUNDS * 2 * ${#SERIES_LIST[@]} * (WARMUP + DURATION)))
LOAD_BEFORE=$(load_average)
log "container pid $SERVAL_PID, node baseline pid $NODE_PID, both on CPU $SERVER_CPU; wrk on CPU $LOAD_CPU"
log "$ROUNDS rounds x ${#SERIES_LIST[@]} series x 2 servers x (${WARMUP} s warm-up + ${DURATION} s): about ${TOTAL} s"
for ((round = 1; round <= ROUNDS; round++)); do
  # Alternate who goes first so that drift (thermal, other load) does not always favour the same side.
  if ((round % 2)); then order=(node serval); else order=(serval node); fi
  for series in "${SERIES_LIST[@]}"; do
    for side in "${order[@]}"; do
      series_url "$side" "$series"
      if [[ $side == serval ]]; then pid=$SERVAL_PID; else pid=$NODE_PID; fi
      measure "$side-$series" "$URL" "$pid"
      record "$side-$series"
      log "round $round/$ROUNDS $side $series: $M_RPS req/s, p50 $M_P50 ms, p99 $M_P99 ms, server CPU $M_CPU µs/request, $M_BYTES_PER_REQ bytes/response"
    done
  done
done
LOAD_AFTER=$(load_average)
log "load average before/after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine makes numbers noisy)"
stop_all

# --- report ------------------------------------------------------------------------------------------
# shellcheck disable=SC2086
bytes_cell() { printf ' %.0f |' "$(median ${BYTES[$1]})"; }
has() { [[ " $SERIES " == *" $1 "* ]]; }
LABEL_hello='hello servlet'
LABEL_text='4 KB text, compression off'
LABEL_gzip='4 KB text, gzip'
TABLE=$(
  echo "| server | req/s (median) | p50 ms | p99 ms | server CPU µs/req | bytes/response | req/s per round |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for series in "${SERIES_LIST[@]}"; do
    scheme=${series%%-*}
    what=${series#*-}
    case $what in hello) label=$LABEL_hello ;; text) label=$LABEL_text ;; *) label=$LABEL_gzip ;; esac
    row "node-$series" "node:$scheme, $label" "$(bytes_cell "node-$series")"
    row "serval-$series" "Serval $scheme, $label" "$(bytes_cell "serval-$series")"
  done
  echo
  for scheme in http https; do
    if has "$scheme-hello"; then
      r=$(ratio "$(med_rps "serval-$scheme-hello")" "$(med_rps "node-$scheme-hello")")
      c=$(ratio "$(med_cpu "node-$scheme-hello")" "$(med_cpu "serval-$scheme-hello")")
      echo "- Hello over ${scheme^^}: Serval / node:$scheme = **$r**, median of per-round ratios $(paired "serval-$scheme-hello" "node-$scheme-hello") (target ≥ $TARGET_HELLO on both: $(verdict_both "serval-$scheme-hello" "node-$scheme-hello" "$TARGET_HELLO")); CPU per request node / Serval: $c (the ratio a CPU-bound server would reach)."
    fi
  done
  for scheme in http https; do
    if has "$scheme-text" && has "$scheme-text+gzip"; then
      ds=$(awk -v a="$(med_cpu "serval-$scheme-text+gzip")" -v b="$(med_cpu "serval-$scheme-text")" 'BEGIN { printf "%.1f", a - b }')
      dn=$(awk -v a="$(med_cpu "node-$scheme-text+gzip")" -v b="$(med_cpu "node-$scheme-text")" 'BEGIN { printf "%.1f", a - b }')
      ok=$(awk -v s="$ds" -v n="$dn" 'BEGIN { print (s <= n) ? "met" : "NOT met" }')
      rs=$(ratio "$(med_rps "serval-$scheme-text+gzip")" "$(med_rps "serval-$scheme-text")")
      rn=$(ratio "$(med_rps "node-$scheme-text+gzip")" "$(med_rps "node-$scheme-text")")
      echo "- Compression over ${scheme^^}: enabling it costs Serval **$ds** CPU µs/request, the zlib work itself (node:$scheme + gzipSync) $dn µs (target: no more: $ok); req/s with gzip / without: Serval $rs, node $rn."
    fi
  done
)
echo
echo "$TABLE"

if ((WRITE)); then
  bench_write "hello and 4 KB text over HTTP/HTTPS keep-alive, with and without compression (issue #3)" \
    "DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS MAX_KEEPALIVE_REQUESTS=$MAX_KEEPALIVE_REQUESTS${ACCESS_LOG:+ ACCESS_LOG=$ACCESS_LOG} bash bench/connector.sh --write" \
    "each run: \`taskset -c $LOAD_CPU wrk ${WRK_ARGS[*]} -d${DURATION}s [-H 'Accept-Encoding: gzip'] http(s)://127.0.0.1:PORT/PATH\`, after a ${WARMUP} s warm-up; TLS: self-signed EC P-256 certificate, same for both; the container's maxKeepAliveRequests $MAX_KEEPALIVE_REQUESTS; the text series send Accept-Encoding: gzip; AccessLogValve $([[ ${ACCESS_LOG:-1} != 0 ]] && echo on || echo off)" \
    "$TABLE"
fi
