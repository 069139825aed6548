/**
 * Debian's chromium, headless, driven through playwright-core (peers.md): no browser is downloaded, the
 * package's /usr/bin/chromium runs with a throw-away profile. close() closes the browser, then makes sure no
 * process of it is left: playwright starts chromium as the leader of a process group of its own, so the group
 * is empty once the browser and every renderer, GPU and zygote process it started are gone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_BINARY = '/usr/bin/chromium';

export interface Chromium {
  readonly context: BrowserContext;
  /** The browser process (the leader of its process group). */
  readonly pid: number;
  readonly profileDir: string;
  /** Closes the browser, waits until its whole process group is gone and removes the profile. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const profileDir = mkdtempSync(join(tmpdir(), 'serval-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_BINARY,
      headless: true,
      // Nothing of the browser's own traffic (updates, sync, safe browsing) may reach the network or the
      // server under test; /dev/shm is small in containers.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
  } catch (error) {
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const pid = browserPid(profileDir);
  return {
    context,
    pid,
    profileDir,
    async close() {
      try {
        await context.close();
        await waitForGroupGone(pid);
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
}

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly state: string;
}

/** Every process we can see, from /proc/<pid>/stat (fields after the parenthesised command name). */
function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // Exited between readdir and read.
    }
    // `pid (comm) state ppid pgrp …`; comm may contain spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    found.push({ pid: Number(name), state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) });
  }
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Our child that runs chromium with this profile: the profile folder is unique, so this is our browser. */
function browserPid(profileDir: string): number {
  const browser = processes().find((p) => p.ppid === process.pid && commandLine(p.pid).includes(profileDir));
  if (browser === undefined) throw new Error(`no chromium child of this process uses the profile [${profileDir}]`);
  return browser.pid;
}

/**
 * context.close() returns once the browser said goodbye over CDP; its processes may exit a moment later. Waits
 * for that (each check is an event-loop turn, not a sleep), and after 5 s kills what is left of the group so
 * that nothing outlives the test file, then reports it as an error.
 */
async function waitForGroupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    // A zombie has exited; only its parent (or a PID 1 that may never reap) still lists it.
    const left = processes().filter((p) => p.pgrp === pgid && p.state !== 'Z');
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // The group emptied meanwhile.
      }
      throw new Error(`chromium processes [${left.map((p) => p.pid).join(', ')}] outlived the browser; killed`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
