/** The Servlet API that webapps import as `serval/servlet`; the container supplies the one shared instance. */
import 'reflect-metadata';

export * from './cookie.js';
export * from './dispatcher-type.js';
export * from './filter.js';
export * from './generic-filter.js';
export * from './http-servlet.js';
export * from './http-servlet-request.js';
export * from './http-servlet-response.js';
export * from './http-session.js';
export * from './listeners.js';
export * from './part.js';
export * from './principal.js';
export * from './request-dispatcher.js';
export * from './servlet.js';
export * from './servlet-context.js';
export * from './servlet-exception.js';
export * from './servlet-request-wrapper.js';
export * from './servlet-response-wrapper.js';
export * from './servlet-streams.js';
export * from './annotations.js';
export * from './security-annotations.js';
export * from './session-type.js';
