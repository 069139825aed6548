/**
 * The shipped examples' protected area in a real browser (issue #20): Debian's chromium, headless, against the
 * real server serving the repository's webapps/. FORM login with the examples' own realm and demo user
 * (webapps/examples/META-INF/context.xml), the error page, session fixation, and logout. One browser for the file.
 * The blocking connector belongs in the list of servers too; it cannot log in yet (FORM keeps its saved request
 * and user in session notes, which a worker's session never commits): blocking-form-login.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../../helpers/chromium.js';
import { startBlockingServer } from '../blocking/blocking-server.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let browser: Chromium;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['event-loop connector', () => startTestServer()],
  ['blocking connector', () => startBlockingServer()],
])('examples /secure/ in chromium, %s', (_name, start) => {
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    server = await start();
    // Cookies are not scoped by port (RFC 6265 §8.5): the other server's JSESSIONID must not be sent here.
    await browser.context.clearCookies();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  async function sessionId(): Promise<string | undefined> {
    const cookies = await browser.context.cookies(`${server.url}/examples/`);
    return cookies.find((cookie) => cookie.name === 'JSESSIONID')?.value;
  }

  async function logIn(user: string, password: string): Promise<void> {
    await page.fill('input[name="j_username"]', user);
    await page.fill('input[name="j_password"]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  }

  it('answers /examples/secure/ with the login page, at the URL the user asked for', async () => {
    const response = await page.goto(`${server.url}/examples/secure/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Log in · Serval examples');
    // FORM login forwards to the login page (Servlet 6.0 §13.6.3.1): the address bar keeps the protected URL.
    expect(page.url()).toBe(`${server.url}/examples/secure/`);
    expect(await page.locator('#user').count()).toBe(0);
  });

  it('shows the error page for a wrong password, and lets nobody in', async () => {
    await logIn('demo', 'not-the-password');
    expect(await page.title()).toBe('Login failed · Serval examples');
    expect(await page.textContent('h1')).toBe('Login failed');
    await page.goto(`${server.url}/examples/secure/`);
    expect(await page.title()).toBe('Log in · Serval examples');
  });

  it('logs the demo user in, back to the page asked for, with a new session id (session fixation)', async () => {
    await page.goto(`${server.url}/examples/secure/account?tab=roles`);
    const before = await sessionId();
    expect(before).toMatch(/^[0-9A-F]{32}$/);
    await logIn('demo', 'demo');
    // The saved request, query included, after a 303 from j_security_check.
    expect(page.url()).toBe(`${server.url}/examples/secure/account?tab=roles`);
    expect(await page.title()).toBe('Secure area · Serval examples');
    expect(await page.textContent('#user')).toBe('demo');
    expect(await page.textContent('#roles')).toBe('demo');
    expect(await page.textContent('body')).toContain('FORM login');
    const after = await sessionId();
    expect(after).toMatch(/^[0-9A-F]{32}$/);
    expect(after).not.toBe(before);
    // The id from before the login does not carry the login: a fixed id is worth nothing to an attacker.
    const fixed = await fetch(`${server.url}/examples/secure/`, { headers: { cookie: `JSESSIONID=${before}` } });
    expect(await fixed.text()).toContain('<h1>Log in</h1>');
  });

  it('stays logged in across pages of the protected area', async () => {
    await page.goto(`${server.url}/examples/secure/`);
    expect(await page.textContent('#user')).toBe('demo');
  });

  it('logs out with the button: back to the index, the session gone, the protected page asks for a login again', async () => {
    const loggedIn = await sessionId();
    await Promise.all([page.waitForNavigation(), page.click('text=Log out')]);
    expect(page.url()).toBe(`${server.url}/examples/`);
    expect(await page.title()).toBe('Serval examples');
    // The old session was invalidated on the server, not just forgotten by the browser.
    const stale = await fetch(`${server.url}/examples/secure/`, { headers: { cookie: `JSESSIONID=${loggedIn}` } });
    expect(await stale.text()).toContain('<h1>Log in</h1>');
    await page.goto(`${server.url}/examples/secure/`);
    expect(await page.title()).toBe('Log in · Serval examples');
    expect(await page.locator('#user').count()).toBe(0);
  });

  it('never serves the demo realm: its users file under WEB-INF, its declaration under META-INF', async () => {
    for (const path of ['/examples/WEB-INF/demo-users.xml', '/examples/META-INF/context.xml']) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status()).toBe(404);
      expect(await page.content()).not.toContain('password=');
    }
  });

  it('does not log out on a GET, which any link or image on another site could send', async () => {
    await page.goto(`${server.url}/examples/secure/`);
    await logIn('demo', 'demo');
    expect(await page.textContent('#user')).toBe('demo');
    const response = await page.goto(`${server.url}/examples/logout`);
    expect(response?.status()).toBe(405);
    await page.goto(`${server.url}/examples/secure/`);
    expect(await page.textContent('#user')).toBe('demo');
  });
});
