/** `catalina start`: runs `catalina run` as a detached background process writing to CATALINA_OUT. */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { ContainerError } from '../errors/container-error.js';
import { PACKAGE_ROOT } from '../version/version.js';
import type { CatalinaEnv } from './catalina-env.js';
import { PidFile } from './pid-file.js';

export interface StartDaemonOptions {
  readonly env: CatalinaEnv;
  /** Arguments for node before the script (the permission flags of `-security`). */
  readonly nodeArgs?: readonly string[] | undefined;
  /** Extra arguments for `run` (e.g. `--config <file>`). */
  readonly runArgs?: readonly string[] | undefined;
  /** Environment for the server process; CATALINA_HOME/BASE are set to the resolved values. */
  readonly processEnv?: NodeJS.ProcessEnv | undefined;
  /**
   * How long to watch for an immediate exit (bad config, missing build) before reporting success;
   * start does not wait for the connectors to bind, as catalina.sh does not.
   */
  readonly crashWatchMs?: number | undefined;
}

export interface DaemonStarted {
  readonly pid: number;
  readonly out: string;
}

const DEFAULT_CRASH_WATCH_MS = 1500;
/** How much of this run's CATALINA_OUT output to quote when the server dies at once. */
const OUTPUT_TAIL_BYTES = 4096;

export const CATALINA_SCRIPT = path.join(PACKAGE_ROOT, 'bin', 'catalina');

export async function startDaemon(options: StartDaemonOptions): Promise<DaemonStarted> {
  const { env } = options;
  mkdirSync(path.dirname(env.catalinaOut), { recursive: true });
  const outOffset = fileSize(env.catalinaOut);
  const outFd = openSync(env.catalinaOut, 'a');
  let child;
  try {
    // detached: a new session and process group, so the server survives the shell that started it
    // and a Ctrl-C there (what nohup/setsid achieve in catalina.sh).
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), CATALINA_SCRIPT, 'run', ...(options.runArgs ?? [])], {
      detached: true,
      stdio: ['ignore', outFd, outFd],
      cwd: env.catalinaBase,
      env: {
        ...(options.processEnv ?? process.env),
        CATALINA_HOME: env.catalinaHome,
        CATALINA_BASE: env.catalinaBase,
        CATALINA_OUT: env.catalinaOut,
        CATALINA_TMPDIR: env.catalinaTmpdir,
      },
    });
  } finally {
    closeSync(outFd);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (error) =>
      reject(new ContainerError('SV_ERR_STARTUP_SPAWN_FAILED', { out: env.catalinaOut, detail: error.message }, { cause: error })),
    );
  });
  const pidFile = env.catalinaPid === undefined ? undefined : new PidFile(env.catalinaPid);
  pidFile?.write(pid);

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), options.crashWatchMs ?? DEFAULT_CRASH_WATCH_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  child.unref();
  if (exit !== undefined) {
    pidFile?.remove();
    const how = exit.signal === null ? `exit code ${exit.code ?? '?'}` : `signal ${exit.signal}`;
    const tail = readTail(env.catalinaOut, outOffset);
    throw new ContainerError('SV_ERR_STARTUP_START_FAILED', {
      pid,
      exit: how,
      out: env.catalinaOut,
      detail: tail === '' ? '(none)' : tail,
    });
  }
  return { pid, out: env.catalinaOut };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The output this run appended, at most OUTPUT_TAIL_BYTES of its end. */
function readTail(file: string, from: number): string {
  const size = fileSize(file);
  const start = Math.max(from, size - OUTPUT_TAIL_BYTES);
  if (size <= start) return '';
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trimEnd();
}
