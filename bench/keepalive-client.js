'use strict';
// A load client for bench/instructions.sh: sends exactly N requests for a URL path over C keep-alive
// connections, one request in flight per connection, reconnecting when the server closes a connection
// (maxKeepAliveRequests). Counts whole responses by their body, so it only suits a fixed body.
// Usage: node bench/keepalive-client.js <port> <path> <expected body> <requests> <connections>
const net = require('node:net');

const [port, path, body, total, connections] = [
  Number(process.argv[2]),
  process.argv[3],
  process.argv[4],
  Number(process.argv[5]),
  Number(process.argv[6]),
];
if (!(port > 0) || !path || !body || !(total > 0) || !(connections > 0)) {
  process.stderr.write('usage: node bench/keepalive-client.js <port> <path> <expected body> <requests> <connections>\n');
  process.exit(2);
}
const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: serval-bench\r\nAccept: */*\r\n\r\n`, 'latin1');
let unsent = total;
let answered = 0;
let open = 0;

function connect() {
  open++;
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let waiting = false;
  const next = () => {
    if (unsent > 0) {
      unsent--;
      waiting = true;
      socket.write(request);
    } else socket.end();
  };
  socket.on('connect', next);
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
    for (let at = received.indexOf(body); at >= 0; at = received.indexOf(body)) {
      received = received.slice(at + body.length);
      waiting = false;
      answered++;
      next();
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    open--;
    // A request the server closed on without answering is sent again on a new connection.
    if (waiting) unsent++;
    if (unsent > 0) connect();
    else if (open === 0) {
      if (answered !== total) process.stderr.write(`keepalive-client: ${answered} of ${total} answered\n`);
      process.exit(answered === total ? 0 : 1);
    }
  });
}
for (let i = 0; i < connections; i++) connect();
