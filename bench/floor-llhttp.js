'use strict';
// The floor for bench/instructions.sh: node's llhttp parser driven directly on a net.Server, answering every
// request with a fixed hello response and doing nothing else (no routing, no checks, no logging). Not a
// server anyone should run: it shows what parsing and writing alone cost on this machine.
// Usage: node bench/floor-llhttp.js <port>
const net = require('node:net');
const { HTTPParser } = require('node:module').createRequire(__filename)('_http_common');

const port = Number(process.argv[2]);
let date = '';
let dateSecond = -1;
const server = net.createServer({ noDelay: true }, (socket) => {
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, 8192, HTTPParser.kLenientNone, undefined);
  const out = [];
  parser[HTTPParser.kOnHeadersComplete] = () => {
    const second = Math.floor(Date.now() / 1000);
    if (second !== dateSecond) {
      dateSecond = second;
      date = new Date(second * 1000).toUTCString();
    }
    out.push(
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nDate: ${date}\r\n\r\nHello, World!`, 'latin1'),
    );
    return 0;
  };
  parser[HTTPParser.kOnBody] = () => undefined;
  parser[HTTPParser.kOnMessageComplete] = () => undefined;
  socket.on('data', (chunk) => {
    if (parser.execute(chunk) instanceof Error) socket.destroy();
    else if (out.length > 0) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
    out.length = 0;
  });
  socket.on('error', () => undefined);
  socket.on('close', () => parser.close());
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.once('SIGTERM', () => process.exit(0));
