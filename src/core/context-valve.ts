/** The Context's basic valve: guards WEB-INF and META-INF, then hands off to the mapped Wrapper. */
import type { Request } from '../connector/request.js';
import type { Response } from '../connector/response.js';
import { ValveBase, type ValveResult } from './valve.js';
import type { Context } from './context.js';
import type { Wrapper } from './wrapper.js';

export class ContextValve extends ValveBase {
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
    const wrapper = request.mappingData.wrapper as Wrapper | null;
    if (!wrapper) {
      response.sendError(404);
      return;
    }
    return wrapper.pipeline.invoke(request, response);
  }
}

export function isProtectedPath(path: string): boolean {
  const upper = path.toUpperCase();
  return (
    upper === '/WEB-INF' || upper.startsWith('/WEB-INF/') || upper === '/META-INF' || upper.startsWith('/META-INF/')
  );
}
