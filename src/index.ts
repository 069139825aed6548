/** The container's public API for embedding and for custom components (valves, listeners). */
export * from './servlet/index.js';
export { ValveBase, type Valve } from './core/valve.js';
export type { Request } from './core/request.js';
export type { Response } from './core/response.js';
export { LifecycleBase, type LifecycleEvent, type LifecycleListener } from './lifecycle/lifecycle-base.js';
export { Catalina, type CatalinaOptions } from './startup/catalina.js';
export { ContainerError } from './errors/container-error.js';
export { SERVER_INFO } from './version/version.js';
