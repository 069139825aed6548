/** Runs table-driven raw-byte HTTP/1.1 cases: exact status, whether the connection stays open, and the access log. */
import { expect } from 'vitest';
import { RawHttpClient } from '../helpers/raw-http-client.js';
import { get, type TestServer } from '../e2e/http11/http11-harness.js';

export interface WireCase {
  /** Short name; the test title. */
  readonly name: string;
  /** Where the expectation comes from: an RFC section or a Tomcat vector (tomcat.md §11 A.n). */
  readonly ref: string;
  /** The exact bytes sent (latin1). */
  readonly request: string;
  readonly status: number;
  /** True: a follow-up request on the same connection is answered. False: the server closes it. */
  readonly open: boolean;
  /** The response body, when it matters. */
  readonly body?: string;
  /** Header values that must be present (case-insensitive names). */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** The response is to a HEAD request (no body whatever the headers say). */
  readonly head?: boolean;
}

/** A 4xx/5xx the endpoint produced itself (not the adapter) must reach Adapter.logRejected. */
export async function runWireCase(server: TestServer, testCase: WireCase): Promise<void> {
  const before = server.adapter.rejected.length;
  const client = await RawHttpClient.connect(server.port);
  try {
    await client.write(testCase.request);
    const response = await client.readResponse({ timeoutMs: 5000, noBody: testCase.head === true });
    expect(response.status, `${testCase.name}: ${response.statusLine}`).toBe(testCase.status);
    if (testCase.body !== undefined) expect(response.body).toBe(testCase.body);
    for (const [name, value] of Object.entries(testCase.headers ?? {})) expect(response.header(name), name).toBe(value);
    if (testCase.open) {
      expect(response.header('connection')).not.toBe('close');
      await client.write(get('/hello'));
      const next = await client.readResponse();
      expect(next.status).toBe(200);
      expect(next.body).toBe('hello');
    } else {
      expect(await client.waitForClose(3000), 'the server closes the connection').toBe(true);
    }
    if (testCase.status >= 400 && !servedByAdapter(server, testCase)) {
      const logged = server.adapter.rejected.slice(before).map((r) => r.status);
      expect(logged, 'rejection reaches the access log').toContain(testCase.status);
    }
  } finally {
    client.close();
  }
}

/** The test adapter answers 404 for unknown paths itself: those are logged as normal requests. */
function servedByAdapter(server: TestServer, testCase: WireCase): boolean {
  return testCase.status === 404 && server.adapter.finished.length > 0;
}
