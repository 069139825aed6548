import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerError } from '../../../src/errors/container-error.js';
import { isProcessAlive, PidFile } from '../../../src/startup/pid-file.js';

/** The pid of a process that has already exited (and been reaped). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  expect(result.pid).toBeGreaterThan(0);
  return result.pid;
}

describe('PidFile', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'serval-pid-'));
    file = path.join(dir, 'run', 'serval.pid');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the pid (creating the directory), reads it back and removes it', () => {
    const pidFile = new PidFile(file);
    pidFile.write(process.pid);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    expect(pidFile.read()).toBe(process.pid);
    expect(pidFile.inspect()).toEqual({ kind: 'running', pid: process.pid });
    pidFile.remove();
    expect(existsSync(file)).toBe(false);
    expect(pidFile.read()).toBeUndefined();
    expect(pidFile.inspect()).toEqual({ kind: 'missing' });
    pidFile.remove();
  });

  it('classifies empty, garbage and stale files', () => {
    const pidFile = new PidFile(path.join(dir, 'x.pid'));
    writeFileSync(pidFile.path, '  \n');
    expect(pidFile.inspect()).toEqual({ kind: 'empty' });
    writeFileSync(pidFile.path, 'not-a-pid');
    expect(pidFile.inspect()).toEqual({ kind: 'invalid', content: 'not-a-pid' });
    writeFileSync(pidFile.path, '0');
    expect(pidFile.inspect().kind).toBe('invalid');
    const pid = deadPid();
    writeFileSync(pidFile.path, `${pid}\n`);
    expect(pidFile.inspect()).toEqual({ kind: 'stale', pid });
    expect(pidFile.read()).toBe(pid);
  });

  it('refuses start when the file names a live process, and keeps the file', () => {
    const pidFile = new PidFile(file);
    pidFile.write(process.pid);
    let thrown: unknown;
    try {
      pidFile.prepareForStart();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContainerError);
    expect((thrown as ContainerError).code).toBe('SV_ERR_STARTUP_PID_FILE_EXISTS');
    expect((thrown as ContainerError).message).toContain('Existing PID file found during start');
    expect((thrown as ContainerError).message).toContain(`[${process.pid}]`);
    expect(existsSync(file)).toBe(true);
  });

  it('cleans a stale or garbage file before start', () => {
    const pidFile = new PidFile(file);
    const pid = deadPid();
    pidFile.write(pid);
    expect(pidFile.prepareForStart()).toEqual({ cleared: pid, removed: true });
    expect(existsSync(file)).toBe(false);
    expect(pidFile.prepareForStart()).toEqual({ removed: false });
    writeFileSync(file, 'garbage');
    expect(pidFile.prepareForStart()).toEqual({ removed: true });
    expect(existsSync(file)).toBe(false);
  });

  it('reports I/O failures with a coded error naming the file', () => {
    // A directory where the file should be cannot be read as a pid file.
    const pidFile = new PidFile(dir);
    expect(() => pidFile.inspect()).toThrow(/Cannot read the PID file/);
    try {
      pidFile.write(1);
    } catch (error) {
      expect((error as ContainerError).code).toBe('SV_ERR_STARTUP_PID_FILE_IO');
      return;
    }
    expect.unreachable('writing over a directory must fail');
  });
});

describe('isProcessAlive', () => {
  it('is true for this process and false for an exited one', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
  });
});
