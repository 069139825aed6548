/**
 * How the DataSource factory reports a bad Resource attribute: a ConfigError naming the resource, its file and
 * line, the attribute and what is allowed, with any password in the value masked. Also the readers of DBCP's
 * integer and boolean attributes (Java's Integer.parseInt and Boolean.parseBoolean, minus their leniency).
 */
import { ConfigError } from '../errors/container-error.js';
import type { ResourceConfig } from './resource-config.js';

export class Problems {
  constructor(readonly resource: ResourceConfig) {}

  get where(): { file: string; line: number; resource: string } {
    return { file: this.resource.location.file, line: this.resource.location.line, resource: this.resource.name };
  }

  invalid(attribute: string, value: string, allowed: string): never {
    throw new ConfigError('SV_ERR_NAMING_INVALID_VALUE', { ...this.where, attribute, value: redactPasswords(value), allowed });
  }
}

export function intAttribute(
  problems: Problems,
  attribute: string,
  value: string | undefined,
  fallback: number,
  limits: { readonly min: number; readonly unlimited?: true },
): number {
  if (value === undefined) return fallback === -1 && limits.unlimited === true ? Infinity : fallback;
  const trimmed = value.trim();
  if (/^[+-]?\d{1,15}$/.test(trimmed)) {
    const n = Number(trimmed);
    if (limits.unlimited === true && n === -1) return Infinity;
    if (n >= limits.min) return n;
  }
  const range = `an integer from ${limits.min}`;
  return problems.invalid(attribute, value, limits.unlimited === true ? `-1 (no limit) or ${range}` : range);
}

export function boolAttribute(problems: Problems, attribute: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  return problems.invalid(attribute, value, 'true or false');
}

/** A url or connectionProperties value as it may appear in a message: a password given in it is replaced. */
export function redactPasswords(text: string): string {
  return text.replace(/(^|[?&;])(\s*password\s*=)[^&;]*/g, '$1$2***');
}
