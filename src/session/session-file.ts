/**
 * StandardManager's `pathname`: the file its sessions are saved to when the application stops and read from when
 * it starts (Tomcat's SESSIONS.ser, in Serval's stored session format: one session per line). Written to a
 * temporary file and renamed, so a crash mid-write leaves the previous file or none, never half of one. Read
 * once and deleted, as Tomcat does, so a session is never restored twice.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Stored sessions, one stored session document each (session-format.ts). */
export type StoredSessions = readonly string[];

export function writeSessionFile(file: string, sessions: StoredSessions): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, sessions.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  renameSync(temporary, file);
}

/** The sessions in the file, which is then gone; null when there is no file. */
export function takeSessionFile(file: string): StoredSessions | null {
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  rmSync(file, { force: true });
  return text.split('\n').filter((line) => line !== '');
}

/** Keeps an unreadable file for whoever investigates, out of the way of the next start; returns where it went. */
export function moveAside(file: string, text: StoredSessions, now: number): string {
  const aside = `${file}.unreadable-${now}`;
  writeFileSync(aside, text.map((line) => `${line}\n`).join(''), { mode: 0o600 });
  return aside;
}
