/** A worker's log lines (pino JSON) written through the main thread's logger, tagged with the worker's id. */
import type { Logger } from 'pino';

export function relayLog(logger: Logger, workerId: number, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = record;
  const label = typeof level === 'number' ? logger.levels.labels[level] : undefined;
  const log = label === undefined ? undefined : (logger as unknown as Record<string, unknown>)[label];
  if (typeof log !== 'function') return;
  (log as (obj: object, msg?: string) => void).call(logger, { ...fields, worker: workerId }, typeof msg === 'string' ? msg : undefined);
}
