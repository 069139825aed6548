/**
 * Regular expressions written in configuration (server.xml attributes, filter init-params, rewrite rules) run
 * against input a client controls: a User-Agent, a header, a path. A backtracking engine can take time
 * exponential in that input (`(a|a)+$` with 25 bytes blocks the loop for half a second), so one request could
 * stall every app of the server.
 *
 * Policy: every configuration pattern is compiled for V8's linear-time engine (RegExp flag `l`, enabled here
 * once for the process), whose matching time is proportional to pattern × input whatever the pattern is. The
 * engine has no backreferences, lookaround, Unicode mode or large counted repetitions: a pattern that needs
 * them cannot be given that guarantee and is refused when the configuration loads, with the reason (fail
 * closed rather than run a pattern that a request could turn into a denial of service).
 *
 * Patterns are Java's (Tomcat's configuration is written for java.util.regex): the Java-only spellings
 * Tomcat's own defaults use are translated (possessive quantifiers, `\p{XDigit}`-style POSIX classes,
 * `\Q…\E`, a leading `(?i)`). Case-insensitive matching is done by spelling each letter in both cases,
 * since the linear engine has no `i` flag.
 */
import { setFlagsFromString } from 'node:v8';

// Process-wide and harmless to other code: it only makes the `l` flag available.
setFlagsFromString('--enable-experimental-regexp-engine');

export interface ConfigPatternOptions {
  /** Match the whole input, as Java's Matcher.matches() (default); false searches, as Matcher.find(). */
  readonly whole?: boolean;
  /** Letters match either case (Tomcat's `Pattern.CASE_INSENSITIVE`, mod_rewrite's NC). */
  readonly ignoreCase?: boolean;
}

export type ConfigPatternResult = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly reason: string };

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Compiles a configuration pattern for linear-time matching, or says why it cannot be. */
export function compileConfigPattern(pattern: string, options: ConfigPatternOptions = {}): ConfigPatternResult {
  const leadingFlag = pattern.startsWith('(?i)');
  const translated = translate(leadingFlag ? pattern.slice(4) : pattern, leadingFlag || options.ignoreCase === true);
  if (!translated.ok) return translated;
  const source = translated.source;
  const wrapped = options.whole === false ? source : `^(?:${source})$`;
  try {
    new RegExp(wrapped);
  } catch (error) {
    return { ok: false, reason: `it is not a valid regular expression (${(error as Error).message})` };
  }
  try {
    return { ok: true, regex: new RegExp(wrapped, 'l') };
  } catch {
    return {
      ok: false,
      reason:
        'it cannot be matched in linear time (backreferences, lookaround and large counted repetitions are not supported in configuration patterns, so that no request can make matching take exponential time)',
    };
  }
}

/** compileConfigPattern for a pattern already validated with the configuration (it throws otherwise). */
export function configPattern(pattern: string, options: ConfigPatternOptions = {}): RegExp {
  const result = compileConfigPattern(pattern, options);
  if (!result.ok) throw new Error(`configuration pattern [${pattern}] was not validated: ${result.reason}`);
  return result.regex;
}

/** Java syntax → the linear engine's (non-Unicode JavaScript) syntax, letters doubled when ignoring case. */
function translate(pattern: string, ignoreCase: boolean): { ok: true; source: string } | { ok: false; reason: string } {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return { ok: false, reason: 'it ends with a lone backslash' };
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = pattern.slice(i + 2, end === -1 ? pattern.length : end);
        out += [...literal].map((ch) => literalOf(/[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch, ignoreCase, inClass)).join('');
        i = end === -1 ? pattern.length : end + 1;
        continue;
      }
      if ((next === 'p' || next === 'P') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        const name = close === -1 ? '' : pattern.slice(i + 3, close).replace(/^Is/, '');
        const ranges = POSIX_CLASSES[name];
        if (ranges === undefined) return { ok: false, reason: `the character class \\${next}{${name}} is not supported` };
        if (next === 'P' && inClass) return { ok: false, reason: `a negated class \\P{${name}} inside [ ] is not supported` };
        out += inClass ? ranges : `[${next === 'P' ? '^' : ''}${ranges}]`;
        i = close;
        continue;
      }
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (ignoreCase && isLetter(c) && pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
        const to = pattern[i + 2] as string;
        out += `${c}-${to}${otherCaseRange(c, to)}`;
        i += 2;
        continue;
      }
      out += ignoreCase && isLetter(c) ? c + swapCase(c) : c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += `\\${pattern[++i]}`;
      continue;
    }
    // Java's possessive quantifiers (`a*+`, `a{2}+`) never give back what they matched: with no backtracking
    // engine behind it, the greedy quantifier matches the same inputs.
    if (c === '+' && i > 0 && /[*+?}]/.test(pattern[i - 1] as string) && pattern[i - 2] !== '\\') continue;
    out += literalOf(c, ignoreCase, false);
  }
  return inClass ? { ok: false, reason: 'it has an unclosed character class [' } : { ok: true, source: out };
}

function literalOf(c: string, ignoreCase: boolean, inClass: boolean): string {
  if (ignoreCase && isLetter(c)) return inClass ? c + swapCase(c) : `[${c}${swapCase(c)}]`;
  return c;
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function swapCase(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}

/** The other case's part of the range from..to (ASCII letters only; empty when it has no letters). */
function otherCaseRange(from: string, to: string): string {
  const ranges: string[] = [];
  for (const [lo, hi, shift] of [
    ['a', 'z', -32],
    ['A', 'Z', 32],
  ] as const) {
    const start = Math.max(from.charCodeAt(0), lo.charCodeAt(0));
    const end = Math.min(to.charCodeAt(0), hi.charCodeAt(0));
    if (start <= end) ranges.push(`${String.fromCharCode(start + shift)}-${String.fromCharCode(end + shift)}`);
  }
  return ranges.join('');
}
