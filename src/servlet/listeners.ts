/** Application event listeners (Servlet spec ch. 11). A listener class implements any of these. */
import type { ServletRequest } from './http-servlet-request.js';
import type { HttpSession } from './http-session.js';
import type { ServletContext } from './servlet-context.js';

export interface ServletContextEvent {
  getServletContext(): ServletContext;
}
export interface ServletContextListener {
  contextInitialized?(event: ServletContextEvent): void | Promise<void>;
  contextDestroyed?(event: ServletContextEvent): void | Promise<void>;
}

export interface ServletContextAttributeEvent extends ServletContextEvent {
  getName(): string;
  getValue(): unknown;
}
export interface ServletContextAttributeListener {
  attributeAdded?(event: ServletContextAttributeEvent): void;
  attributeRemoved?(event: ServletContextAttributeEvent): void;
  attributeReplaced?(event: ServletContextAttributeEvent): void;
}

export interface ServletRequestEvent extends ServletContextEvent {
  getServletRequest(): ServletRequest;
}
export interface ServletRequestListener {
  requestInitialized?(event: ServletRequestEvent): void;
  requestDestroyed?(event: ServletRequestEvent): void;
}

export interface ServletRequestAttributeEvent extends ServletRequestEvent {
  getName(): string;
  getValue(): unknown;
}
export interface ServletRequestAttributeListener {
  attributeAdded?(event: ServletRequestAttributeEvent): void;
  attributeRemoved?(event: ServletRequestAttributeEvent): void;
  attributeReplaced?(event: ServletRequestAttributeEvent): void;
}

export interface HttpSessionEvent {
  getSession(): HttpSession;
}
export interface HttpSessionListener {
  sessionCreated?(event: HttpSessionEvent): void;
  sessionDestroyed?(event: HttpSessionEvent): void;
}

/**
 * An attribute value told when its session is saved (a restart, a reload) and read back: it can let go of what
 * cannot be stored and take it up again (Servlet spec §7.7.2).
 */
export interface HttpSessionActivationListener {
  sessionWillPassivate?(event: HttpSessionEvent): void;
  sessionDidActivate?(event: HttpSessionEvent): void;
}

export interface HttpSessionBindingEvent extends HttpSessionEvent {
  getName(): string;
  getValue(): unknown;
}
export interface HttpSessionAttributeListener {
  attributeAdded?(event: HttpSessionBindingEvent): void;
  attributeRemoved?(event: HttpSessionBindingEvent): void;
  attributeReplaced?(event: HttpSessionBindingEvent): void;
}

/** Every listener interface a `<listener>` or `@WebListener` class may implement. */
export type EventListener = ServletContextListener &
  ServletContextAttributeListener &
  ServletRequestListener &
  ServletRequestAttributeListener &
  HttpSessionListener &
  HttpSessionAttributeListener;
