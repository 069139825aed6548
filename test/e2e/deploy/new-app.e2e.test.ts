/**
 * `catalina new-app`: the generated TypeScript template compiles on its own with `npx tsc -p …/WEB-INF/tsconfig.json`
 * (against this installation's `serval/servlet` types) and, dropped into an appBase, deploys and answers.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/startup/cli.js';
import { REPO_ROOT } from '../../helpers/test-server.js';
import { startDeployServer, type DeployServer } from './deploy-harness.js';

const run = promisify(execFile);

describe('catalina new-app <name> --dir <dir>', () => {
  let scratch: string;
  let out: string[];
  let err: string[];
  const io = () => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: {} });
  let server: DeployServer | undefined;

  beforeAll(() => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'servlet', 'index.d.ts'))) {
      throw new Error('The new-app test type-checks against dist/servlet/index.d.ts, which is missing. Run `npm run build` first.');
    }
    scratch = mkdtempSync(join(tmpdir(), 'serval-new-app-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes a template that compiles to CommonJS and deploys and answers', async () => {
    out = [];
    err = [];
    expect(await main(['node', 'catalina', 'new-app', 'hello-ts', '--dir', scratch], io())).toBe(0);
    const app = join(scratch, 'hello-ts');
    expect(out.join('')).toContain(`Created [${app}]`);
    for (const file of ['WEB-INF/src/hello-servlet.ts', 'WEB-INF/tsconfig.json', 'WEB-INF/web.xml', 'index.html', 'README.md']) {
      expect(existsSync(join(app, file)), file).toBe(true);
    }
    const tsconfig = JSON.parse(readFileSync(join(app, 'WEB-INF', 'tsconfig.json'), 'utf8')) as Record<string, unknown>;
    expect(tsconfig).not.toHaveProperty('extends');

    // Compiled from the repository root, as the brief's user would: the tsconfig must carry everything itself.
    await run('npx', ['tsc', '-p', join(app, 'WEB-INF', 'tsconfig.json')], { cwd: REPO_ROOT, timeout: 60_000 });
    const compiled = readFileSync(join(app, 'WEB-INF', 'classes', 'hello-servlet.js'), 'utf8');
    expect(compiled).toContain('require("serval/servlet")');

    server = await startDeployServer({ prepare: (appBase) => cpSync(app, join(appBase, 'hello-ts'), { recursive: true }) });
    expect(await server.get('/hello-ts/hello?name=Serval')).toEqual({ status: 200, body: 'Hello, Serval!\n' });
    const index = await server.get('/hello-ts/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('href="/hello-ts/hello?name=Serval"');
  });

  it('refuses an existing directory or an invalid name, writing nothing', async () => {
    out = [];
    err = [];
    expect(await main(['node', 'catalina', 'new-app', 'hello-ts', '--dir', scratch], io())).toBe(1);
    expect(err.join('')).toMatch(/Cannot create web application \[hello-ts\] .*already exists; nothing was written/);
    err = [];
    expect(await main(['node', 'catalina', 'new-app', '../escape', '--dir', scratch], io())).toBe(1);
    expect(err.join('')).toMatch(/Cannot create web application \[\.\.\/escape\]/);
    expect(existsSync(join(scratch, '..', 'escape'))).toBe(false);
  });
});
