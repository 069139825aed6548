/** The `$CATALINA_PID` file: records the background server's pid so `stop` can signal and wait for it. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContainerError } from '../errors/container-error.js';

export type PidFileState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly content: string }
  | { readonly kind: 'running'; readonly pid: number }
  | { readonly kind: 'stale'; readonly pid: number };

export class PidFile {
  readonly path: string;

  constructor(file: string) {
    this.path = file;
  }

  /** The pid recorded in the file, or undefined when the file is missing, empty or not a pid. */
  read(): number | undefined {
    const state = this.inspect();
    return state.kind === 'running' || state.kind === 'stale' ? state.pid : undefined;
  }

  inspect(): PidFileState {
    let content: string;
    try {
      content = readFileSync(this.path, 'utf8').trim();
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { kind: 'missing' };
      throw this.#ioError('read', error);
    }
    if (content === '') return { kind: 'empty' };
    if (!/^\d{1,10}$/.test(content)) return { kind: 'invalid', content: content.slice(0, 32) };
    const pid = Number(content);
    if (pid <= 0) return { kind: 'invalid', content };
    return isProcessAlive(pid) ? { kind: 'running', pid } : { kind: 'stale', pid };
  }

  write(pid: number): void {
    try {
      mkdirSync(path.dirname(this.path), { recursive: true });
      writeFileSync(this.path, `${pid}\n`);
    } catch (error) {
      throw this.#ioError('write', error);
    }
  }

  remove(): void {
    try {
      rmSync(this.path, { force: true });
    } catch (error) {
      throw this.#ioError('remove', error);
    }
  }

  /**
   * What catalina.sh checks before `start`: a file naming a live process aborts the start; a stale,
   * empty or garbage file is removed. Returns the stale pid that was cleared, if any.
   */
  prepareForStart(): { readonly cleared?: number | undefined; readonly removed: boolean } {
    const state = this.inspect();
    switch (state.kind) {
      case 'missing':
        return { removed: false };
      case 'running':
        throw new ContainerError('SV_ERR_STARTUP_PID_FILE_EXISTS', { file: this.path, pid: state.pid });
      case 'stale':
        this.remove();
        return { cleared: state.pid, removed: true };
      case 'empty':
      case 'invalid':
        this.remove();
        return { removed: true };
    }
  }

  #ioError(action: string, error: unknown): ContainerError {
    const detail = error instanceof Error ? error.message : String(error);
    return new ContainerError('SV_ERR_STARTUP_PID_FILE_IO', { action, file: this.path, detail }, { cause: error });
  }
}

/**
 * Signal 0 probes without delivering anything: ESRCH means gone, EPERM means alive but not ours.
 * On Linux a zombie still answers signal 0, so /proc is consulted: an exited-but-unreaped server
 * (its parent, e.g. a container's init, does not reap) has stopped for every practical purpose.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain ") ".
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
