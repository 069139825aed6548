#!/usr/bin/env bash
# bench/static.sh (issue #4): static 1 KB and 100 KB files through Serval's DefaultServlet against Apache
# Tomcat 10.1's DefaultServlet and a plain node:http server streaming the same files, side by side in one run;
# then fills Serval's resource cache past cacheMaxSize and checks its memory stays within it.
# See bench/README.md. Usage: [DURATION=5] [ROUNDS=9] bash bench/static.sh [--write]
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bash bench/static.sh [--write]

Serves one docBase (generated text files: 1k.txt, 100k.txt, and fill/*.txt for the cache check) from three
servers pinned to one CPU: Serval (bin/catalina, Context /static, DefaultServlet from conf/web.xml), Tomcat 10.1
(catalina.sh run from a private CATALINA_BASE, never the system service; Debian's tomcat10, installed with
apt-get when missing and run as root) and bench/baseline-node.js (stat + createReadStream per request).
Both containers: same <Resources cacheMaxSize>, same buffered AccessLogValve, default HTTP connector.
Every server gets PREWARM seconds of load per file first (the JVM's JIT needs it), then wrk loads one server
at a time from another CPU, interleaved for ROUNDS rounds (the order rotates each round).
Targets (issue #4): 1 KB file ≥ 1.2 × Tomcat's req/s; 100 KB file ≥ 1.0 × Tomcat's; Serval's resource cache
stays within cacheMaxSize after every fill file (total 3 × cacheMaxSize) was fetched twice: its own accounting
and the growth of node's ArrayBuffer memory after a full GC (the container runs with --expose-gc).

  --write   also append a dated section with the results to bench/RESULTS.md

Environment (defaults in brackets): DURATION [5], WARMUP [2], ROUNDS [9], CONNECTIONS [50], SERVER_CPU [0],
LOAD_CPU [1], PREWARM [5], CACHE_MAX_KB [10240] (cacheMaxSize of both containers), ACCESS_LOG [1] (0 = no
AccessLogValve in either container), SERVAL_NODE_ARGS (extra node options for Serval, e.g.
"--cpu-prof --cpu-prof-dir=/tmp/prof"), FILES [1k 100k] (which files to load).
Nine short rounds rather than the other scripts' three long ones: on a shared host a round of the same server
moves by up to 30%, and a ratio of medians needs many interleaved pairs (bench/README.md).
EOF
}

BENCH_NAME=static.sh
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_args "$@"
# More, shorter rounds than the other scripts (see usage): the host's drift averages out across the pairs.
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-9}
bench_settings
PREWARM=${PREWARM:-5}
CACHE_MAX_KB=${CACHE_MAX_KB:-10240}
if ! [[ $PREWARM =~ ^[0-9]+$ ]] || ((PREWARM > 120)); then die "PREWARM must be 0-120 seconds, got [$PREWARM]"; fi
if ! [[ $CACHE_MAX_KB =~ ^[0-9]+$ ]] || ((CACHE_MAX_KB < 1024 || CACHE_MAX_KB > 1048576)); then
  die "CACHE_MAX_KB must be 1024-1048576, got [$CACHE_MAX_KB]"
fi
FILES=${FILES:-1k 100k}
read -r -a FILE_LIST <<<"$FILES"
for f in "${FILE_LIST[@]}"; do [[ $f == 1k || $f == 100k ]] || die "FILES: unknown file [$f] (known: 1k 100k)"; done
bench_tools
bench_build
TOMCAT_HOME=/usr/share/tomcat10
[[ -x $TOMCAT_HOME/bin/catalina.sh ]] || bench_apt "Tomcat 10.1" tomcat10
command -v java >/dev/null || die "java is not on PATH (Tomcat needs it: apt-get install tomcat10 brings it)"
declare -A TARGET=([1k]=1.2 [100k]=1.0)

# --- files -------------------------------------------------------------------------------------------
# One docBase for all three servers: the bench webapp (its text servlet is plain JS under WEB-INF,
# which Tomcat ignores and never serves) plus the generated files.
DOCS=$TMP/docs
copy_bench_webapp "$DOCS"
FILL_SIZE=102400
FILL_COUNT=$(((3 * CACHE_MAX_KB * 1024 + FILL_SIZE - 1) / FILL_SIZE))
fill_specs=()
for ((i = 0; i < FILL_COUNT; i++)); do fill_specs+=("$(printf 'fill/f%04d.txt:%d' "$i" "$FILL_SIZE")"); done
node "$BENCH_DIR/make-files.js" "$DOCS" 1k.txt:1024 100k.txt:102400 "${fill_specs[@]}"

# --- processes ---------------------------------------------------------------------------------------
SERVAL_PORT=$(free_port)
TOMCAT_PORT=$(free_port)
NODE_PORT=$(free_port)
VALVE=''
if [[ ${ACCESS_LOG:-1} != 0 ]]; then
  VALVE='<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"
               prefix="localhost_access_log" suffix=".txt" buffered="true"
               pattern="%h %l %u %t &quot;%r&quot; %s %b" />'
fi
CONTEXT="<Context path=\"/static\" docBase=\"$DOCS\"><Resources cacheMaxSize=\"$CACHE_MAX_KB\"/></Context>"

# Serval also gets the cache probe (bench/cache-probe-valve.js) in a Context of its own, which reports the
# /static Context's cache; the measured Context stays as Tomcat's.
mkdir -p "$TMP/probe-docs"
PROBE_CONTEXT="<Context path=\"/cache-probe\" docBase=\"$TMP/probe-docs\"><Valve className=\"$BENCH_DIR/cache-probe-valve.js\" context=\"static\"/></Context>"
BASE=$TMP/serval-base
write_serval_base "$BASE" "<Connector address=\"127.0.0.1\" port=\"$SERVAL_PORT\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\"/>" "$CONTEXT$PROBE_CONTEXT"
SERVAL_NODE_ARGS="--expose-gc ${SERVAL_NODE_ARGS:-}"
start_serval "$BASE" "$TMP/serval.out"

# Tomcat from a private CATALINA_BASE (peers.md): Debian's conf files, our server.xml, no shutdown port.
TB=$TMP/tomcat-base
mkdir -p "$TB"/{conf,logs,temp,work,webapps}
cp /etc/tomcat10/{web.xml,logging.properties,catalina.properties,context.xml} "$TB/conf/"
cat >"$TB/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by bench/static.sh for one run: the same Context, Resources and AccessLogValve as Serval's. -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="$TOMCAT_PORT" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false">
        $CONTEXT
        $VALVE
      </Host>
    </Engine>
  </Service>
</Server>
EOF
# catalina.sh run execs java, so $! is the JVM.
CATALINA_HOME=$TOMCAT_HOME CATALINA_BASE=$TB CATALINA_TMPDIR=$TB/temp \
  taskset -c "$SERVER_CPU" "$TOMCAT_HOME/bin/catalina.sh" run >"$TB/logs/out.log" 2>&1 &
TOMCAT_PID=$!
bench_track "$TOMCAT_PID"

taskset -c "$SERVER_CPU" node "$BENCH_DIR/baseline-node.js" --http "$NODE_PORT" --static "$DOCS" >"$TMP/baseline.out" 2>&1 &
NODE_PID=$!
bench_track "$NODE_PID"

declare -A PORT=([serval]=$SERVAL_PORT [tomcat]=$TOMCAT_PORT [node]=$NODE_PORT)
declare -A PID=([serval]=$SERVAL_PID [tomcat]=$TOMCAT_PID [node]=$NODE_PID)
declare -A LOGFILE=([serval]=$TMP/serval.out [tomcat]=$TB/logs/out.log [node]=$TMP/baseline.out)
declare -A LABEL=([serval]="Serval DefaultServlet" [tomcat]="Tomcat 10.1 DefaultServlet" [node]="node:http + createReadStream")
for who in node serval tomcat; do
  wait_ready "$who" "http://127.0.0.1:${PORT[$who]}/static/1k.txt" "${PID[$who]}" "${LOGFILE[$who]}" "$(cat "$DOCS/1k.txt")"
  [[ $(probe "http://127.0.0.1:${PORT[$who]}/static/100k.txt") == "200 $(cat "$DOCS/100k.txt")" ]] || die "$who does not serve 100k.txt as expected"
done
[[ $(probe "http://127.0.0.1:$TOMCAT_PORT/static/WEB-INF/classes/text-servlet.js") != "200 "* ]] || die "Tomcat serves WEB-INF (unexpected)"

# --- measurement -------------------------------------------------------------------------------------
WRK_ARGS=(-t1 "-c$CONNECTIONS" --latency)
WHO=(serval tomcat node)
if ((PREWARM > 0)); then
  log "pre-warming every server for ${PREWARM} s per file"
  for who in "${WHO[@]}"; do
    for f in "${FILE_LIST[@]}"; do
      run_wrk "$PREWARM" "http://127.0.0.1:${PORT[$who]}/static/$f.txt" "$TMP/prewarm.txt" || die "wrk pre-warm against $who failed: $(cat "$TMP/prewarm.txt")"
    done
  done
fi
TOTAL=$((ROUNDS * 3 * ${#FILE_LIST[@]} * (WARMUP + DURATION)))
LOAD_BEFORE=$(load_average)
log "Serval :$SERVAL_PORT (pid $SERVAL_PID), Tomcat :$TOMCAT_PORT (pid $TOMCAT_PID), node :$NODE_PORT, all on CPU $SERVER_CPU; wrk on CPU $LOAD_CPU"
log "$ROUNDS rounds x ${#FILE_LIST[@]} files x 3 servers x (${WARMUP} s warm-up + ${DURATION} s): about ${TOTAL} s"
for ((round = 1; round <= ROUNDS; round++)); do
  # Rotate who goes first so that drift (thermal, other load) does not always favour the same one.
  order=("${WHO[@]:round % 3}" "${WHO[@]:0:round % 3}")
  for f in "${FILE_LIST[@]}"; do
    for who in "${order[@]}"; do
      measure "$who-$f" "http://127.0.0.1:${PORT[$who]}/static/$f.txt" "${PID[$who]}"
      record "$who-$f"
      log "round $round/$ROUNDS $who $f: $M_RPS req/s, p50 $M_P50 ms, p99 $M_P99 ms, server CPU $M_CPU µs/request"
    done
  done
done
LOAD_AFTER=$(load_average)
log "load average before/after: $LOAD_BEFORE / $LOAD_AFTER (other work on the machine makes numbers noisy)"
stop_pid "$TOMCAT_PID"
stop_pid "$NODE_PID"

# --- the cache stays within cacheMaxSize -------------------------------------------------------------
cache_probe() {
  local answer='' attempt
  # A full GC on a busy machine can take a while: a generous timeout, and a few tries.
  for attempt in 1 2 3; do
    answer=$(PROBE_TIMEOUT_MS=15000 probe "http://127.0.0.1:$SERVAL_PORT/cache-probe/")
    [[ $answer == "200 {"* ]] && break
    log "the cache probe did not answer (try $attempt of 3)"
  done
  [[ $answer == "200 {"* ]] || die "the cache probe did not answer: [${answer:0:300}]"
  echo "${answer#200 }"
}
json() { node -e "const v = JSON.parse(process.argv[1]); console.log(process.argv[2].split('.').reduce((o, k) => o[k], v))" "$1" "$2"; }
PROBE_BEFORE=$(cache_probe)
[[ $(json "$PROBE_BEFORE" gc) == true ]] || die "the cache probe could not run a GC (is --expose-gc passed to the container?)"
[[ $(json "$PROBE_BEFORE" cacheSizeBytes) != null ]] || die "the cache probe found no resource cache in the /static context"
log "fetching $FILL_COUNT files of $FILL_SIZE bytes twice ($((2 * FILL_COUNT * FILL_SIZE / 1048576)) MiB) through Serval"
node -e "
  const http = require('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const [port, count, size] = process.argv.slice(1).map(Number);
  const get = (path) => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let length = 0;
      res.on('data', (c) => { length += c.length; });
      res.on('end', () => (res.statusCode === 200 && length === size ? resolve() : reject(new Error(path + ': ' + res.statusCode + ', ' + length + ' bytes'))));
    }).on('error', reject);
  });
  (async () => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < count; i += 4) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + 4); j++) batch.push(get('/static/fill/f' + String(j).padStart(4, '0') + '.txt'));
        await Promise.all(batch);
      }
    }
    agent.destroy();
  })().catch((e) => { console.error(e.message); process.exit(1); });
" "$SERVAL_PORT" "$FILL_COUNT" "$FILL_SIZE" || die "fetching the fill files failed"
PROBE_AFTER=$(cache_probe)
stop_all
ACCESS_LINES=$( (cat "$BASE"/logs/localhost_access_log* 2>/dev/null || true) | wc -l)
TOMCAT_ACCESS_LINES=$( (cat "$TB"/logs/localhost_access_log* 2>/dev/null || true) | wc -l)

CACHE_MAX=$(json "$PROBE_AFTER" cacheMaxSizeBytes)
CACHE_BEFORE=$(json "$PROBE_BEFORE" cacheSizeBytes)
CACHE_AFTER=$(json "$PROBE_AFTER" cacheSizeBytes)
AB_GROWTH=$(($(json "$PROBE_AFTER" memory.arrayBuffers) - $(json "$PROBE_BEFORE" memory.arrayBuffers)))
RSS_GROWTH=$(($(json "$PROBE_AFTER" memory.rss) - $(json "$PROBE_BEFORE" memory.rss)))
HEAP_GROWTH=$(($(json "$PROBE_AFTER" memory.heapUsed) - $(json "$PROBE_BEFORE" memory.heapUsed)))
MEM_VERDICT=$( ((CACHE_AFTER <= CACHE_MAX && AB_GROWTH <= CACHE_MAX)) && echo met || echo "NOT met")
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

# --- report ------------------------------------------------------------------------------------------
TABLE=$(
  echo "| file, server | req/s (median) | p50 ms | p99 ms | server CPU µs/req | req/s per round |"
  echo "|---|---:|---:|---:|---:|---|"
  for f in "${FILE_LIST[@]}"; do
    for who in tomcat node serval; do row "$who-$f" "${f^^}B, ${LABEL[$who]}"; done
  done
  echo
  for f in "${FILE_LIST[@]}"; do
    r=$(ratio "$(med_rps "serval-$f")" "$(med_rps "tomcat-$f")")
    n=$(ratio "$(med_rps "serval-$f")" "$(med_rps "node-$f")")
    echo "- ${f^^}B file: Serval / Tomcat = **$r**, median of per-round ratios $(paired "serval-$f" "tomcat-$f") (target ≥ ${TARGET[$f]} on both: $(verdict_both "serval-$f" "tomcat-$f" "${TARGET[$f]}")); CPU per request Tomcat / Serval: $(ratio "$(med_cpu "tomcat-$f")" "$(med_cpu "serval-$f")") (the ratio a CPU-bound server would reach). Serval / node:http = $n (no target)."
  done
  echo "- Resource cache (cacheMaxSize $(mib "$CACHE_MAX")) after $FILL_COUNT files of $((FILL_SIZE / 1024)) KiB were fetched twice: accounted $(mib "$CACHE_AFTER") (before: $(mib "$CACHE_BEFORE")); ArrayBuffer memory grew $(mib "$AB_GROWTH") after a full GC (heap $(mib "$HEAP_GROWTH"), RSS $(mib "$RSS_GROWTH")): within cacheMaxSize: **$MEM_VERDICT**."
  echo "- Access log lines: Serval $ACCESS_LINES, Tomcat $TOMCAT_ACCESS_LINES."
)
echo
echo "$TABLE"

if ((WRITE)); then
  VERSIONS_EXTRA="Tomcat $(dpkg-query -W -f='${Version}' tomcat10 2>/dev/null || echo '?') on $(java -version 2>&1 | head -n 1)"
  bench_write "static files: Serval vs Tomcat 10.1 vs node:http (issue #4)" \
    "DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS PREWARM=$PREWARM CACHE_MAX_KB=$CACHE_MAX_KB bash bench/static.sh --write" \
    "each run: \`taskset -c $LOAD_CPU wrk ${WRK_ARGS[*]} -d${DURATION}s http://127.0.0.1:PORT/static/FILE\`, after a ${WARMUP} s warm-up and a one-off ${PREWARM} s pre-warm per server and file; text files; Tomcat with its default JVM options; AccessLogValve $([[ ${ACCESS_LOG:-1} != 0 ]] && echo on || echo off) in both containers" \
    "$TABLE"
fi
