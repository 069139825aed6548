/**
 * `catalina run -security`: before anything is loaded, checks that Node's permission model is on and grants what
 * security-flags.ts asked for and no more, since the flags' syntax changed within Node 20 (a comma list, or a
 * directory without `/*`, means something else on another release). A server that cannot vouch for its
 * permissions refuses to start.
 */
import path from 'node:path';
import { ContainerError } from '../errors/container-error.js';
import type { CatalinaEnv } from './catalina-env.js';

/** Node 20's process.permission (experimental, so not in @types/node 20). */
interface PermissionApi {
  has(scope: string, reference?: string): boolean;
}

/** A path no grant of ours covers, readable on every POSIX system. */
const OUTSIDE = '/etc/passwd';

export function checkPermissionModel(env: CatalinaEnv): void {
  const permission = (process as { permission?: PermissionApi }).permission;
  if (permission === undefined) throw new ContainerError('SV_ERR_STARTUP_SECURITY_INACTIVE', {});
  const expect = (scope: string, reference: string | undefined, wanted: boolean): void => {
    if (permission.has(scope, reference) === wanted) return;
    throw new ContainerError('SV_ERR_STARTUP_SECURITY_CHECK', {
      access: scope,
      path: reference ?? '(any)',
      found: wanted ? 'denied' : 'granted',
      expected: wanted ? 'granted' : 'denied',
      version: process.version,
    });
  };
  expect('fs.read', path.join(env.catalinaBase, 'conf', 'server.xml'), true);
  expect('fs.read', env.configFile, true);
  expect('fs.write', path.join(env.catalinaBase, 'logs', 'catalina.log'), true);
  expect('worker', undefined, true);
  expect('child', undefined, false);
  if (!isInside(OUTSIDE, [env.catalinaHome, env.catalinaBase])) expect('fs.read', OUTSIDE, false);
}

function isInside(file: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => file.startsWith(dir.endsWith('/') ? dir : `${dir}/`));
}
