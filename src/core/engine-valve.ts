/** The Engine's basic valve: hands the request to the Host the Mapper chose. */
import type { Request } from './request.js';
import type { Response } from './response.js';
import type { Engine } from './engine.js';
import { ContainerValveBase, type ValveResult } from './valve.js';

export class EngineValve extends ContainerValveBase {
  constructor(engine: Engine) {
    super();
    this.container = engine;
  }

  invoke(request: Request, response: Response): ValveResult {
    const host = request.mappingData.host;
    if (!host) {
      response.sendError(400, 'No virtual host matches the request and no default host is configured');
      return;
    }
    return host.pipeline.invoke(request, response);
  }
}
