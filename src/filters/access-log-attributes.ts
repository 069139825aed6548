/**
 * The request attributes through which RemoteIpValve/RemoteIpFilter tell the access log who the client was
 * when `requestAttributesEnabled` is on (Tomcat's org.apache.catalina.AccessLog constants, same names, so an
 * application reading them sees what it would under Tomcat). The AccessLogValve with requestAttributesEnabled
 * logs these instead of the connection's own values.
 */
export const ACCESS_LOG_REMOTE_ADDR = 'org.apache.catalina.AccessLog.RemoteAddr';
export const ACCESS_LOG_REMOTE_HOST = 'org.apache.catalina.AccessLog.RemoteHost';
export const ACCESS_LOG_PROTOCOL = 'org.apache.catalina.AccessLog.Protocol';
export const ACCESS_LOG_SERVER_NAME = 'org.apache.catalina.AccessLog.ServerName';
export const ACCESS_LOG_SERVER_PORT = 'org.apache.catalina.AccessLog.ServerPort';
