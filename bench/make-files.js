'use strict';
// Writes the files the bench scripts serve: deterministic English-like text (compresses about as well as
// real text, unlike repeated or random bytes), the same bytes on every run so results stay comparable.
// Usage: node bench/make-files.js <dir> <name>:<bytes> [<name>:<bytes> ...]   (names may contain a `/`)
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const WORDS = (
  'the servlet container answers each request through its pipeline of valves and filters while the ' +
  'connector parses bytes from the socket into headers and a body then the mapper finds the context and wrapper ' +
  'that serve the path and the response goes back compressed or plain with a length or in chunks to the client ' +
  'static files come from the resource cache when they are small enough and stream from disk when they are not'
).split(' ');

/** `bytes` of text from a fixed-seed linear congruential generator: words, spaces and a newline now and then. */
function text(bytes, seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const parts = [];
  let length = 0;
  let line = 0;
  while (length < bytes) {
    const word = WORDS[next() % WORDS.length];
    const separator = line > 70 ? '\n' : ' ';
    line = separator === '\n' ? 0 : line + word.length + 1;
    parts.push(word, separator);
    length += word.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

const [dir, ...specs] = process.argv.slice(2);
if (dir === undefined || specs.length === 0) {
  process.stderr.write('usage: node bench/make-files.js <dir> <name>:<bytes> ...\n');
  process.exit(2);
}
specs.forEach((spec, index) => {
  const colon = spec.lastIndexOf(':');
  const name = spec.slice(0, colon);
  const bytes = Number(spec.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(bytes) || bytes < 0) {
    process.stderr.write(`make-files: [${spec}] is not <name>:<bytes>\n`);
    process.exit(2);
  }
  const file = join(dir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text(bytes, 12345 + index));
});
