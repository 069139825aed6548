'use strict';
// GET /cache-probe/ → JSON with the resource cache size of the Context named by the valve's `context` attribute (its own accounting), its
// cacheMaxSize and the process's memory, after a full GC when node runs with --expose-gc. bench/static.sh
// reads it before and after filling the cache, to check the cache stays within cacheMaxSize.
// A Context valve named in server.xml, not a servlet: the cache is the container's, and webapp code reaches only
// the Servlet API (issue #18). A valve is container code, loaded by require() like the container itself, so it
// sees the same resource-cache module. It sits in a Context of its own, so that the measured Context's pipeline
// stays as it is.
const path = require('node:path');
const { publishedResourceCache } = require(path.join(__dirname, '..', 'dist', 'resources', 'resource-cache.js'));

class CacheProbeValve {
  constructor(attributes) {
    this.next = null;
    this.context = attributes.context ?? 'static';
  }

  async invoke(request, response) {
    const gc = globalThis.gc;
    if (typeof gc === 'function') {
      // Twice: V8 frees the backing stores of dead ArrayBuffers in a sweep that runs after the collection
      // (on a helper thread, which shares the server's one CPU here), and the next collection finishes it
      // first. After one gc() memoryUsage() still counted up to ~11 MiB of freed buffers in some runs
      // (bench/RESULTS.md 2026-11-22 11:30).
      gc();
      gc();
    }
    const context = request.mappingData.host?.findChild(this.context) ?? null;
    const cache = context === null ? null : publishedResourceCache(context.servletContext);
    const report = {
      gc: typeof gc === 'function',
      cacheSizeBytes: cache?.sizeBytes ?? null,
      cacheMaxSizeBytes: cache?.settings?.cacheMaxSizeBytes ?? null,
      memory: process.memoryUsage(),
    };
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify(report));
  }

  backgroundProcess() {}
}
module.exports = CacheProbeValve;
