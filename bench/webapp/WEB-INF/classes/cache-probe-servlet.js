'use strict';
// GET /<context>/cache-probe → JSON with the webapp's resource cache size (its own accounting), its
// cacheMaxSize and the process's memory, after a full GC when node runs with --expose-gc. bench/static.sh
// reads it before and after filling the cache, to check the cache stays within cacheMaxSize.
const { HttpServlet, WebServlet } = require('serval/servlet');

class CacheProbeServlet extends HttpServlet {
  doGet(_request, response) {
    const gc = globalThis.gc;
    if (typeof gc === 'function') {
      // Twice: V8 frees the backing stores of dead ArrayBuffers in a sweep that runs after the collection
      // (on a helper thread, which shares the server's one CPU here), and the next collection finishes it
      // first. After one gc() memoryUsage() still counted up to ~11 MiB of freed buffers in some runs
      // (bench/RESULTS.md 2026-11-22 11:30).
      gc();
      gc();
    }
    const cache = this.getServletContext().getAttribute('org.apache.catalina.resources');
    const report = {
      gc: typeof gc === 'function',
      cacheSizeBytes: cache?.sizeBytes ?? null,
      cacheMaxSizeBytes: cache?.settings?.cacheMaxSizeBytes ?? null,
      memory: process.memoryUsage(),
    };
    response.setContentType('application/json');
    response.getWriter().write(JSON.stringify(report));
  }
}
WebServlet({ name: 'cache-probe', urlPatterns: ['/cache-probe'] })(CacheProbeServlet);
exports.CacheProbeServlet = CacheProbeServlet;
