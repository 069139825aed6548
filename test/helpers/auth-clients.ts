/** What the security tests send and read as a client would: BASIC credentials, the JSON the fixture servlet answers, the session cookie. */
import type { FetchResponse } from './http-fetch.js';

/** An Authorization header for RFC 7617 BASIC, the credentials encoded as UTF-8. */
export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

/** The body as the JSON object the fixture servlet (test/fixtures/webapps/auth/…/Who.js) writes. */
export function json(response: FetchResponse): Record<string, unknown> {
  return JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
}

/** The JSESSIONID a response sets, or undefined. */
export function sessionCookie(response: FetchResponse): string | undefined {
  const cookies = response.headers['set-cookie'] ?? [];
  return cookies.map((c) => /^JSESSIONID=([^;]+)/.exec(c)?.[1]).find((id) => id !== undefined);
}
