'use strict';
// GET /<context>/text → WEB-INF/text-4k.txt (written by the bench script) as text/plain: a servlet response
// big enough to compress, for bench/connector.sh. Plain CommonJS, registered the way @WebServlet does it.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { HttpServlet, WebServlet } = require('serval/servlet');

class TextServlet extends HttpServlet {
  /** @type {string | undefined} read once, on the first request */
  #body;

  doGet(_request, response) {
    this.#body ??= readFileSync(join(__dirname, '..', 'text-4k.txt'), 'utf8');
    response.setContentType('text/plain');
    response.getWriter().write(this.#body);
  }
}
WebServlet({ name: 'text', urlPatterns: ['/text'] })(TextServlet);
exports.TextServlet = TextServlet;
