'use strict';
// The baseline for bench/run.sh: plain node:http answering GET /examples/hello the way the examples
// webapp's HelloServlet does (200, text/plain, "Hello, World!", keep-alive), with nothing else in the way.
// Usage: node bench/baseline-node-http.js <port>   (binds 127.0.0.1; prints "listening <port>" when ready)
const http = require('node:http');

const port = Number(process.argv[2] ?? process.env.BASELINE_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`baseline: [${process.argv[2]}] is not a port number (0-65535)\n`);
  process.exit(2);
}

const body = 'Hello, World!';
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/examples/hello') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 9 });
  res.end('Not Found');
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

// Nothing to drain in a benchmark: stop at once so run.sh's cleanup never waits.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
