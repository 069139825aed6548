/**
 * The ServletConfig a servlet's init() gets (Tomcat's StandardWrapperFacade): the Wrapper is a container,
 * with a parent chain up to the Engine, so the servlet sees only these four methods.
 */
import type { ServletContext } from '../../servlet/servlet-context.js';
import type { ServletConfig } from '../../servlet/servlet.js';

export class ServletConfigFacade implements ServletConfig {
  readonly #config: ServletConfig;

  constructor(config: ServletConfig) {
    this.#config = config;
  }

  getServletName(): string {
    return this.#config.getServletName();
  }
  getServletContext(): ServletContext {
    return this.#config.getServletContext();
  }
  getInitParameter(name: string): string | null {
    return this.#config.getInitParameter(name);
  }
  getInitParameterNames(): string[] {
    return this.#config.getInitParameterNames();
  }
}
