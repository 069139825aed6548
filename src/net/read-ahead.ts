/**
 * Turns off node's read-ahead tick on a socket whose bytes a 'data' listener takes as they come (why:
 * node-internals/stream-state.ts). It sets an internal flag, so it goes through the checked internals module;
 * where the flag cannot be used the socket keeps the tick.
 */
export { skipReadAhead } from './node-internals/index.js';
