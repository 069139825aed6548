/** Forward and include (Servlet spec ch. 9). */
import type { HttpServletRequest } from './http-servlet-request.js';
import type { HttpServletResponse } from './http-servlet-response.js';

export interface RequestDispatcher {
  /** Clears the buffer, runs the target with the new paths, and closes the response afterwards. */
  forward(request: HttpServletRequest, response: HttpServletResponse): Promise<void>;
  /** Runs the target; it may write content but not change status or headers. */
  include(request: HttpServletRequest, response: HttpServletResponse): Promise<void>;
}

/** Request attribute names set by the container during dispatches (Servlet spec §9.3.1, §9.4.2, §10.9.1). */
export const RequestDispatcherAttributes = {
  FORWARD_REQUEST_URI: 'jakarta.servlet.forward.request_uri',
  FORWARD_CONTEXT_PATH: 'jakarta.servlet.forward.context_path',
  FORWARD_PATH_INFO: 'jakarta.servlet.forward.path_info',
  FORWARD_SERVLET_PATH: 'jakarta.servlet.forward.servlet_path',
  FORWARD_QUERY_STRING: 'jakarta.servlet.forward.query_string',
  INCLUDE_REQUEST_URI: 'jakarta.servlet.include.request_uri',
  INCLUDE_CONTEXT_PATH: 'jakarta.servlet.include.context_path',
  INCLUDE_PATH_INFO: 'jakarta.servlet.include.path_info',
  INCLUDE_SERVLET_PATH: 'jakarta.servlet.include.servlet_path',
  INCLUDE_QUERY_STRING: 'jakarta.servlet.include.query_string',
  ERROR_STATUS_CODE: 'jakarta.servlet.error.status_code',
  ERROR_EXCEPTION: 'jakarta.servlet.error.exception',
  ERROR_EXCEPTION_TYPE: 'jakarta.servlet.error.exception_type',
  ERROR_MESSAGE: 'jakarta.servlet.error.message',
  ERROR_REQUEST_URI: 'jakarta.servlet.error.request_uri',
  ERROR_SERVLET_NAME: 'jakarta.servlet.error.servlet_name',
} as const;
