'use strict';
// Summarises a `node --cpu-prof` profile: the functions with the most self time, mapped back to src/*.ts
// lines through dist/'s source maps, and self time per file. For finding hot spots after a bench run with
// SERVAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR".
// Usage: node bench/cpu-profile-top.js <file.cpuprofile> [top=25]
const { existsSync, readFileSync } = require('node:fs');
const { SourceMap } = require('node:module');
const { dirname, join, relative, resolve } = require('node:path');
const { fileURLToPath } = require('node:url');

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node bench/cpu-profile-top.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const root = resolve(__dirname, '..');
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node: the sample count times the mean interval.
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length); // µs
const total = profile.samples.length;

const maps = new Map();
function sourceMapFor(path) {
  if (!maps.has(path)) {
    let map = null;
    const mapFile = `${path}.map`;
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    maps.set(path, map);
  }
  return maps.get(path);
}

/** `src/x.ts:12` for code in dist/ with a source map, else the file relative to the repo (or as given). */
function locate(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (url === '') return '(native)';
  let path = url;
  if (url.startsWith('file://')) path = fileURLToPath(url);
  if (path.startsWith('/')) {
    const map = sourceMapFor(path);
    const entry = map?.findEntry(lineNumber, columnNumber);
    if (entry !== undefined && entry !== null && entry.originalSource !== undefined) {
      const source = entry.originalSource.startsWith('file://')
        ? fileURLToPath(entry.originalSource)
        : resolve(dirname(path), entry.originalSource);
      return `${relative(root, source)}:${entry.originalLine + 1}`;
    }
    const rel = relative(root, path);
    return `${rel.startsWith('..') ? path : rel}:${lineNumber + 1}`;
  }
  return `${path}:${lineNumber + 1}`;
}

const byFunction = new Map();
const byFile = new Map();
for (const node of profile.nodes) {
  const self = counts.get(node.id) ?? 0;
  if (self === 0) continue;
  const where = locate(node.callFrame);
  const key = `${node.callFrame.functionName || '(anonymous)'} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + self);
  const fileKey = where.replace(/:\d+$/, '');
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + self);
}

// Inclusive time of code in src/ and webapps/ (a function's own time plus what it calls), counted once per
// sample even when the function recurses.
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const keyOf = new Map();
const inclusive = new Map();
for (const [id, n] of counts) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    if (!keyOf.has(at)) {
      const frame = byId.get(at).callFrame;
      const where = locate(frame);
      keyOf.set(at, /^(src|webapps)\//.test(where) ? `${frame.functionName || '(anonymous)'} ${where}` : null);
    }
    const key = keyOf.get(at);
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + n);
  }
}

const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
const ms = (n) => `${((n * interval) / 1000).toFixed(0).padStart(6)} ms`;
console.log(`${file}: ${total} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
console.log(`\nself time by function (top ${top}):`);
for (const [key, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)} ${ms(n)}  ${key}`);
console.log(`\nself time by file (top ${top}):`);
for (const [key, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)} ${ms(n)}  ${key}`);
console.log(`\ninclusive time of src/ and webapps/ functions (top ${top}):`);
for (const [key, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(n)} ${ms(n)}  ${key}`);
