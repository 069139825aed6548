'use strict';
// GET /<context>/cache-probe → JSON with the webapp's resource cache size (its own accounting), its
// cacheMaxSize and the process's memory, after a full GC when node runs with --expose-gc. bench/static.sh
// reads it before and after filling the cache, to check the cache stays within cacheMaxSize.
const { HttpServlet, WebServlet } = require('serval/servlet');

class CacheProbeServlet extends HttpServlet {
  doGet(_request, response) {
    const gc = globalThis.gc;
    if (typeof gc === 'function') gc();
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
