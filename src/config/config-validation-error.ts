/** The one error a configuration file raises, carrying every problem found in it, and their text form. */
import { ConfigError } from '../errors/container-error.js';
import type { ConfigProblem } from './server-config.js';

/** `conf/server.xml:12: Server/Service[0]/Connector[0] [prot]: Unknown attribute … (SV_ERR_CONFIG_UNKNOWN_ATTRIBUTE)` */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  const subject = [p.path, p.attribute === undefined ? '' : `[${p.attribute}]`].filter((part) => part !== '').join(' ');
  const prefix = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}:${subject === '' ? '' : ` ${subject}:`} ${prefix}${p.message} (${p.code})`;
}

/** Errors first, then warnings, each in file order. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem): number => (p.severity === 'error' ? 0 : 1);
  return [...problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line);
}

export class ConfigValidationError extends ConfigError {
  /** Every problem of the file, errors first; warnings are included so one report shows everything. */
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const sorted = Object.freeze(sortProblems(problems));
    const errors = sorted.filter((p) => p.severity === 'error').length;
    super('SV_ERR_CONFIG_INVALID', { file, count: errors });
    this.problems = sorted;
    this.message = [this.message, ...sorted.map((p) => `  ${formatProblem(p)}`)].join('\n');
  }
}
