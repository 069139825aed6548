/** The Context's basic valve: guards WEB-INF and META-INF, then hands off to the mapped Wrapper. */
import type { Request } from './request.js';
import type { Response } from './response.js';
import { ContainerValveBase, type ValveResult } from './valve.js';
import type { Context } from './context.js';

export class ContextValve extends ContainerValveBase {
  constructor(context: Context) {
    super();
    this.container = context;
  }

  invoke(request: Request, response: Response): ValveResult {
    // Servlet spec §10.5: nothing under WEB-INF or META-INF is served directly, in any case spelling
    // (the path is already canonical: %-decoding and dot segments were resolved before mapping).
    if (isProtectedPath(request.mappingData.requestPath)) {
      response.sendError(404);
      return;
    }
    const wrapper = request.mappingData.wrapper;
    if (!wrapper) {
      response.sendError(404);
      return;
    }
    return wrapper.pipeline.invoke(request, response);
  }
}

export function isProtectedPath(path: string): boolean {
  // Most paths are settled by the letter after the slash: only w or m, in either case, starts a protected root
  // (a non-ASCII letter, or no letter at all, takes the full comparison below).
  const first = path.charCodeAt(1);
  if (first < 0x80 && (first | 0x20) !== 0x77 && (first | 0x20) !== 0x6d) return false;
  // Compared in place, case-insensitively: upper-casing a copy of every request's path goes through the runtime.
  return isProtectedRoot(path, '/WEB-INF') || isProtectedRoot(path, '/META-INF');
}

/** `path` is `root` or lies below it, in any letter case (`root` is upper-case). */
function isProtectedRoot(path: string, root: string): boolean {
  // Beyond ASCII, upper-casing can turn other letters into these (U+0131 dotless i → I): compare as before.
  const end = Math.min(path.length, root.length + 1);
  for (let i = 0; i < end; i++) {
    if (path.charCodeAt(i) >= 0x80) {
      const upper = path.toUpperCase();
      return upper === root || upper.startsWith(`${root}/`);
    }
  }
  if (path.length < root.length || (path.length > root.length && path.charCodeAt(root.length) !== 0x2f)) return false;
  for (let i = 0; i < root.length; i++) {
    let c = path.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== root.charCodeAt(i)) return false;
  }
  return true;
}
