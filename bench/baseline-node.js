'use strict';
// The plain-node baselines of bench/connector.sh and bench/static.sh: node:http / node:https servers doing
// what the container's answer does with nothing else in the way. One process, several listeners:
//   GET /examples/hello   200 text/plain "Hello, World!" (as the examples webapp's HelloServlet)
//   GET /bench/text       the --text file as text/plain; on a --*-gzip listener, when the client accepts gzip,
//                         gzipped per request with zlib.gzipSync at the container's level: the zlib work itself
//   GET /static/<name>    the file <name> under --static, streamed from disk (stat + createReadStream)
// Usage: node bench/baseline-node.js [--http P] [--http-gzip P] [--https P] [--https-gzip P]
//          [--cert F --key F] [--text F] [--static DIR]     (binds 127.0.0.1; prints "listening" when ready)
const { createReadStream, readFileSync, stat } = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const { join, normalize, sep } = require('node:path');
const zlib = require('node:zlib');

const options = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
    process.stderr.write(`baseline-node: bad argument [${argv[i]}]\n`);
    process.exit(2);
  }
  options[argv[i].slice(2)] = argv[i + 1];
}

const hello = Buffer.from('Hello, World!');
const text = options.text === undefined ? null : readFileSync(options.text);
const staticDir = options.static === undefined ? null : normalize(options.static);
// The level Serval's connector compresses with (src/protocol/http11/compression.ts).
const GZIP = { level: zlib.constants.Z_DEFAULT_COMPRESSION };
const TYPES = { '.txt': 'text/plain', '.html': 'text/html', '.bin': 'application/octet-stream' };

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
}

function handler(gzip) {
  return (req, res) => {
    if (req.method !== 'GET') return send(res, 405, 'text/plain', Buffer.from('Method Not Allowed'));
    if (req.url === '/examples/hello') return send(res, 200, 'text/plain', hello);
    if (req.url === '/bench/text' && text !== null) {
      if (gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
        const body = zlib.gzipSync(text, GZIP);
        res.writeHead(200, {
          'Content-Type': 'text/plain',
          'Content-Length': body.length,
          'Content-Encoding': 'gzip',
          Vary: 'Accept-Encoding',
        });
        return res.end(body);
      }
      return send(res, 200, 'text/plain', text);
    }
    if (req.url.startsWith('/static/') && staticDir !== null) {
      const file = normalize(join(staticDir, decodeURIComponent(req.url.slice('/static/'.length))));
      if (!file.startsWith(staticDir + sep)) return send(res, 404, 'text/plain', Buffer.from('Not Found'));
      return stat(file, (error, info) => {
        if (error !== null || !info.isFile()) return send(res, 404, 'text/plain', Buffer.from('Not Found'));
        const dot = file.lastIndexOf('.');
        res.writeHead(200, { 'Content-Type': TYPES[file.slice(dot)] ?? 'application/octet-stream', 'Content-Length': info.size });
        createReadStream(file).pipe(res);
      });
    }
    return send(res, 404, 'text/plain', Buffer.from('Not Found'));
  };
}

const tls = options.cert === undefined ? null : { cert: readFileSync(options.cert), key: readFileSync(options.key) };
const listeners = [
  ['http', false, false],
  ['http-gzip', false, true],
  ['https', true, false],
  ['https-gzip', true, true],
].filter(([name]) => options[name] !== undefined);
if (listeners.length === 0) {
  process.stderr.write('baseline-node: give at least one of --http, --http-gzip, --https, --https-gzip\n');
  process.exit(2);
}
let pending = listeners.length;
for (const [name, secure, gzip] of listeners) {
  if (secure && tls === null) {
    process.stderr.write(`baseline-node: --${name} needs --cert and --key\n`);
    process.exit(2);
  }
  const server = secure ? https.createServer(tls, handler(gzip)) : http.createServer(handler(gzip));
  server.listen(Number(options[name]), '127.0.0.1', () => {
    if (--pending === 0) process.stdout.write('listening\n');
  });
}

// Nothing to drain in a benchmark: stop at once so the script's cleanup never waits.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
