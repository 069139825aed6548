import { describe, expect, it } from 'vitest';
import { isProtectedPath } from '../../../src/core/context-valve.js';

describe('isProtectedPath (Servlet spec §10.5: WEB-INF and META-INF are never served)', () => {
  it.each([
    ['/WEB-INF', true],
    ['/WEB-INF/', true],
    ['/web-inf/web.xml', true],
    ['/Web-Inf/classes/a.js', true],
    ['/META-INF', true],
    ['/meta-inf/MANIFEST.MF', true],
    ['/WEB-INFO', false],
    ['/WEB-IN', false],
    ['/x/WEB-INF/a', false],
    ['WEB-INF/a', false],
    ['/', false],
    ['', false],
    ['/META-INFX/a', false],
    ['/mETA-iNF/x', true],
    ['/wEB-inf', true],
    ['/static/WEB-INF', false],
    ['/Mx', false],
    // Upper-cased, U+0131 (dotless i) is I: such a path is refused as it always was.
    ['/web-\u0131nf/web.xml', true],
    ['/\u00e9/WEB-INF', false],
  ])('isProtectedPath(%j) = %s', (path, expected) => {
    expect(isProtectedPath(path)).toBe(expected);
  });
});
