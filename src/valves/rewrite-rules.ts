/**
 * rewrite.config, parsed and evaluated: mod_rewrite's RewriteCond, RewriteRule and RewriteMap directives as Tomcat's
 * RewriteValve reads them (https://tomcat.apache.org/tomcat-10.1-doc/rewrite.html). Pure: the valve hands in the
 * request through a RewriteResolver and acts on the result.
 *
 * Every problem is a configuration error naming the file and line (fail closed): an unknown directive or flag, a
 * pattern the linear-time engine refuses (config-pattern.ts), a map never declared, the proxy flag, a prg: map.
 * Where Tomcat is lax (a flag found by its first letter, trailing words ignored, a condition with no rule after it)
 * Serval refuses, so a typo cannot silently change what a rule does.
 * Long because mod_rewrite's grammar is one whole: directives, flags, conditions, substitutions and the rule loop
 * read each other's state, and splitting them would spread one parser over several files.
 */
import { compileConfigPattern } from '../config/config-pattern.js';
import type { RewriteMap, RewriteMapSource } from './rewrite-maps.js';
import { escapeBackReference } from './rewrite-encoding.js';
import { ConfigError } from '../errors/container-error.js';

/** What rules may ask of the request (Tomcat's Resolver). */
export interface RewriteResolver {
  /** %{NAME}: a server variable; null when the request has none. */
  variable(name: string): string | null;
  /** %{ENV:name}: a request attribute. */
  env(name: string): string | null;
  /** %{HTTP:name}: a request header ('' when absent). */
  http(name: string): string;
  /** %{SSL:name}: a TLS property of the connection. */
  ssl(name: string): string | null;
  /** -d, -f, -s: the mapped webapp's resource at `path` is a directory, a file, a file that is not empty. */
  resource(kind: ResourceTest, path: string): boolean;
}

export type ResourceTest = 'd' | 'f' | 's';

/** The server variables Tomcat's ResolverImpl knows (%{NAME}). */
export const SERVER_VARIABLES: readonly string[] = [
  'HTTP_USER_AGENT',
  'HTTP_REFERER',
  'HTTP_COOKIE',
  'HTTP_FORWARDED',
  'HTTP_HOST',
  'HTTP_PROXY_CONNECTION',
  'HTTP_ACCEPT',
  'REMOTE_ADDR',
  'REMOTE_HOST',
  'REMOTE_PORT',
  'REMOTE_USER',
  'REMOTE_IDENT',
  'REQUEST_METHOD',
  'SCRIPT_FILENAME',
  'REQUEST_PATH',
  'CONTEXT_PATH',
  'SERVLET_PATH',
  'PATH_INFO',
  'QUERY_STRING',
  'AUTH_TYPE',
  'DOCUMENT_ROOT',
  'SERVER_NAME',
  'SERVER_ADDR',
  'SERVER_PORT',
  'SERVER_PROTOCOL',
  'SERVER_SOFTWARE',
  'THE_REQUEST',
  'REQUEST_URI',
  'REQUEST_FILENAME',
  'HTTPS',
  'TIME_YEAR',
  'TIME_MON',
  'TIME_DAY',
  'TIME_HOUR',
  'TIME_MIN',
  'TIME_SEC',
  'TIME_WDAY',
  'TIME',
];
const KNOWN_VARIABLES = new Set(SERVER_VARIABLES);

/** One part of a substitution (or of a condition's test string). */
type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'rule'; readonly n: number }
  | { readonly kind: 'cond'; readonly n: number }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'env' | 'http' | 'ssl'; readonly name: string }
  | { readonly kind: 'map'; readonly map: RewriteMap; readonly key: readonly Piece[]; readonly fallback: readonly Piece[] };

export interface RewriteCondition {
  readonly line: number;
  readonly test: readonly Piece[];
  readonly kind: 'pattern' | '<' | '>' | '=' | ResourceTest;
  readonly pattern: RegExp | null;
  readonly operand: string;
  readonly negate: boolean;
  readonly nocase: boolean;
  readonly ornext: boolean;
}

export interface RewriteCookie {
  readonly name: string;
  readonly value: readonly Piece[];
  readonly domain: string | null;
  /** Seconds, as Tomcat passes it to Cookie.setMaxAge; -1 = until the browser closes. */
  readonly maxAge: number;
  readonly path: string | null;
  readonly secure: boolean;
  readonly httpOnly: boolean;
}

export interface RewriteRule {
  readonly line: number;
  readonly pattern: RegExp;
  readonly negate: boolean;
  /** null for `-`: the URL is left as it is. */
  readonly substitution: readonly Piece[] | null;
  readonly conditions: readonly RewriteCondition[];
  readonly chain: boolean;
  readonly cookie: RewriteCookie | null;
  readonly env: readonly { readonly name: string; readonly value: readonly Piece[] }[];
  readonly forbidden: boolean;
  readonly gone: boolean;
  readonly host: boolean;
  readonly last: boolean;
  readonly next: boolean;
  readonly noescape: boolean;
  readonly qsappend: boolean;
  readonly qsdiscard: boolean;
  /** 0 when the rule does not redirect. */
  readonly redirect: number;
  readonly skip: number;
  readonly type: string | null;
  readonly valveSkip: boolean;
  readonly escapeBackReferences: boolean;
}

export interface RewriteConfiguration {
  readonly rules: readonly RewriteRule[];
  /** Server variables no rule can expand (file:line and name): logged as warnings when the valve starts. */
  readonly unknownVariables: readonly { readonly line: number; readonly name: string }[];
}

/** What a matching rule produced. */
export interface RuleResult {
  /** The substitution (or the input unchanged for `-`). */
  readonly value: string;
  readonly env: readonly (readonly [string, string])[];
  readonly cookieValue: string | null;
}

const RULE_FLAGS = [
  'B',
  'C',
  'chain',
  'CO=',
  'cookie=',
  'E=',
  'env=',
  'F',
  'forbidden',
  'G',
  'gone',
  'H',
  'host',
  'L',
  'last',
  'N',
  'next',
  'NC',
  'nocase',
  'NE',
  'noescape',
  'QSA',
  'qsappend',
  'QSD',
  'qsdiscard',
  'R',
  'R=',
  'redirect',
  'redirect=',
  'S=',
  'skip=',
  'T=',
  'type=',
  'VS',
  'valveSkip',
];
const COND_FLAGS = ['NC', 'nocase', 'OR', 'ornext'];

interface RawRule {
  readonly line: number;
  readonly pattern: string;
  readonly substitution: string;
  readonly flags: readonly string[];
  readonly conditions: readonly RawCondition[];
}
interface RawCondition {
  readonly line: number;
  readonly test: string;
  readonly pattern: string;
  readonly flags: readonly string[];
}

/**
 * Parses a whole rewrite.config. `file` names it in errors; `maps` builds a RewriteMap line's map (the valve's
 * choice of where map files and modules are found).
 */
export function parseRewriteConfig(text: string, file: string, maps: RewriteMapSource): RewriteConfiguration {
  const rawRules: RawRule[] = [];
  const declared = new Map<string, RewriteMap>();
  let pending: RawCondition[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const tokens = tokenize(lines[index] as string);
    if (tokens.length === 0 || (tokens[0] as string).startsWith('#')) continue;
    const [directive, ...args] = tokens as [string, ...string[]];
    switch (directive) {
      case 'RewriteCond': {
        if (args.length < 2 || args.length > 3) throw arguments_(file, line, directive, 'TestString CondPattern [flags]', args.length);
        const flags = flagList(args[2]);
        for (const flag of flags) {
          if (!COND_FLAGS.includes(flag)) throw unknownFlag(file, line, directive, flag, COND_FLAGS);
        }
        pending.push({ line, test: args[0] as string, pattern: args[1] as string, flags });
        break;
      }
      case 'RewriteRule': {
        if (args.length < 2 || args.length > 3) throw arguments_(file, line, directive, 'Pattern Substitution [flags]', args.length);
        rawRules.push({ line, pattern: args[0] as string, substitution: args[1] as string, flags: flagList(args[2]), conditions: pending });
        pending = [];
        break;
      }
      case 'RewriteMap': {
        if (args.length < 2) throw arguments_(file, line, directive, 'MapName MapType:Source [parameters…]', args.length);
        declared.set(
          args[0] as string,
          maps({ file, line, name: args[0] as string, source: args[1] as string, parameters: args.slice(2) }),
        );
        break;
      }
      default:
        throw new ConfigError('SV_ERR_REWRITE_UNKNOWN_DIRECTIVE', { file, line, directive });
    }
  }
  if (pending.length > 0) throw new ConfigError('SV_ERR_REWRITE_DANGLING_CONDITION', { file, line: (pending[0] as RawCondition).line });
  const unknownVariables: { line: number; name: string }[] = [];
  const context: ParseContext = { file, maps: declared, unknownVariables, line: 0 };
  // Rules are completed once every RewriteMap is known, as in Tomcat: a map may be declared after the rule using it.
  const rules = rawRules.map((raw) => completeRule(raw, context));
  return { rules, unknownVariables };
}

interface ParseContext {
  readonly file: string;
  readonly maps: ReadonlyMap<string, RewriteMap>;
  readonly unknownVariables: { line: number; name: string }[];
  line: number;
}

function completeRule(raw: RawRule, context: ParseContext): RewriteRule {
  const { file } = context;
  const conditions = completeConditions(raw.conditions, context);
  context.line = raw.line;
  const line = raw.line;
  let chain = false;
  let cookie: RewriteCookie | null = null;
  const env: { name: string; value: readonly Piece[] }[] = [];
  let forbidden = false;
  let gone = false;
  let host = false;
  let last = false;
  let next = false;
  let nocase = false;
  let noescape = false;
  let qsappend = false;
  let qsdiscard = false;
  let redirect = 0;
  let skip = 0;
  let type: string | null = null;
  let valveSkip = false;
  let escapeBackReferences = false;
  for (const flag of raw.flags) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? flag : flag.slice(0, eq);
    const value = eq < 0 ? null : flag.slice(eq + 1);
    const needsValue = (allowed: string): string => {
      if (value === null || value === '') throw flagValue(file, line, flag, value ?? '', allowed);
      return value;
    };
    const noValue = (): void => {
      if (value !== null) throw unknownFlag(file, line, 'RewriteRule', flag, RULE_FLAGS);
    };
    switch (name) {
      case 'B':
        noValue();
        escapeBackReferences = true;
        break;
      case 'C':
      case 'chain':
        noValue();
        chain = true;
        break;
      case 'CO':
      case 'cookie':
        cookie = parseCookie(needsValue('name:value[:domain[:lifetime[:path[:secure[:httponly]]]]]'), flag, context);
        break;
      case 'E':
      case 'env': {
        const text = needsValue('name:value');
        const colon = text.indexOf(':');
        if (colon <= 0 || colon === text.length - 1) throw flagValue(file, line, flag, text, 'name:value');
        env.push({ name: text.slice(0, colon), value: parseSubstitution(text.slice(colon + 1), context) });
        break;
      }
      case 'F':
      case 'forbidden':
        noValue();
        forbidden = true;
        break;
      case 'G':
      case 'gone':
        noValue();
        gone = true;
        break;
      case 'H':
      case 'host':
        noValue();
        host = true;
        break;
      case 'L':
      case 'last':
        noValue();
        last = true;
        break;
      case 'N':
      case 'next':
        noValue();
        next = true;
        break;
      case 'NC':
      case 'nocase':
        noValue();
        nocase = true;
        break;
      case 'NE':
      case 'noescape':
        noValue();
        noescape = true;
        break;
      case 'P':
      case 'proxy':
        throw new ConfigError('SV_ERR_REWRITE_PROXY_REFUSED', { file, line, flag });
      case 'QSA':
      case 'qsappend':
        noValue();
        qsappend = true;
        break;
      case 'QSD':
      case 'qsdiscard':
        noValue();
        qsdiscard = true;
        break;
      case 'R':
      case 'redirect':
        redirect = value === null ? 302 : redirectCode(value, flag, file, line);
        break;
      case 'S':
      case 'skip': {
        const text = needsValue('a number of rules, 1 or more');
        if (!/^[1-9][0-9]{0,5}$/.test(text)) throw flagValue(file, line, flag, text, 'a number of rules, 1 or more');
        skip = Number(text);
        break;
      }
      case 'T':
      case 'type':
        type = needsValue('a media type');
        break;
      case 'VS':
      case 'valveSkip':
        noValue();
        valveSkip = true;
        break;
      default:
        throw unknownFlag(file, line, 'RewriteRule', flag, RULE_FLAGS);
    }
  }
  // Tomcat: with both, QSD wins.
  if (qsdiscard) qsappend = false;
  let negate = false;
  let patternText = raw.pattern;
  if (patternText.startsWith('!')) {
    negate = true;
    patternText = patternText.slice(1);
  }
  const pattern = compilePattern(patternText, nocase, file, line);
  const substitution = raw.substitution === '-' ? null : parseSubstitution(raw.substitution, context);
  return {
    line,
    pattern,
    negate,
    substitution,
    conditions,
    chain,
    cookie,
    env,
    forbidden,
    gone,
    host,
    last,
    next,
    noescape,
    qsappend,
    qsdiscard,
    redirect,
    skip,
    type,
    valveSkip,
    escapeBackReferences,
  };
}

function completeConditions(raws: readonly RawCondition[], context: ParseContext): RewriteCondition[] {
  return raws.map((raw) => {
    context.line = raw.line;
    const nocase = raw.flags.includes('NC') || raw.flags.includes('nocase');
    const ornext = raw.flags.includes('OR') || raw.flags.includes('ornext');
    let text = raw.pattern;
    let negate = false;
    if (text.startsWith('!')) {
      negate = true;
      text = text.slice(1);
    }
    const test = parseSubstitution(raw.test, context);
    const base = { line: raw.line, test, negate, nocase, ornext };
    const first = text[0];
    if (first === '<' || first === '>' || first === '=') {
      const operand = text.slice(1);
      return { ...base, kind: first, pattern: null, operand: nocase ? operand.toLowerCase() : operand };
    }
    if (text === '-d' || text === '-f' || text === '-s') return { ...base, kind: text[1] as ResourceTest, pattern: null, operand: '' };
    return { ...base, kind: 'pattern', pattern: compilePattern(text, nocase, context.file, raw.line), operand: '' };
  });
}

function compilePattern(pattern: string, ignoreCase: boolean, file: string, line: number): RegExp {
  // Tomcat 10.1 matches rule and condition patterns against the whole input (Java's matches(), where mod_rewrite
  // searches): `^/a` does not match `/ab`, and the differential test against Tomcat checks it. NC matches letters in
  // either case.
  const compiled = compileConfigPattern(pattern, { ignoreCase });
  if (!compiled.ok) throw new ConfigError('SV_ERR_REWRITE_PATTERN', { file, line, pattern, detail: compiled.reason });
  return compiled.regex;
}

function redirectCode(value: string, flag: string, file: string, line: number): number {
  if (value === 'temp') return 302;
  if (value === 'permanent') return 301;
  if (value === 'seeother') return 303;
  // A redirect needs a 3xx status (RFC 9110 §15.4); Tomcat would send any number it is given.
  if (/^3[0-9][0-9]$/.test(value)) return Number(value);
  throw flagValue(file, line, flag, value, 'temp, permanent, seeother or a status from 300 to 399');
}

function parseCookie(text: string, flag: string, context: ParseContext): RewriteCookie {
  const parts = text.split(':').filter((part) => part !== '');
  const { file, line } = context;
  const allowed = 'name:value[:domain[:lifetime[:path[:secure[:httponly]]]]]';
  if (parts.length < 2 || parts.length > 7) throw flagValue(file, line, flag, text, allowed);
  const [name, value, domain, lifetime, path, secure, httpOnly] = parts as [string, string, ...(string | undefined)[]];
  if (lifetime !== undefined && !/^-?[0-9]{1,9}$/.test(lifetime)) throw flagValue(file, line, flag, text, allowed);
  return {
    name,
    value: parseSubstitution(value, context),
    domain: domain ?? null,
    maxAge: lifetime === undefined ? -1 : Number(lifetime),
    path: path ?? null,
    // Java's Boolean.parseBoolean: only "true", in any case, is true.
    secure: secure?.toLowerCase() === 'true',
    httpOnly: httpOnly?.toLowerCase() === 'true',
  };
}

/** `$N`, `%N`, `%{VAR}`, `%{HTTP:h}`, `%{ENV:a}`, `%{SSL:v}`, `${map:key|default}` and `\c` (c literally). */
function parseSubstitution(text: string, context: ParseContext): Piece[] {
  const pieces: Piece[] = [];
  const { file, line } = context;
  const bad = (reason: SubstitutionReason): ConfigError => new ConfigError('SV_ERR_REWRITE_SUBSTITUTION', { file, line, text, reason });
  let literal = '';
  const flush = (): void => {
    if (literal !== '') pieces.push({ kind: 'text', text: literal });
    literal = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      if (i + 1 >= text.length) throw bad('it ends with a lone backslash');
      literal += text[++i];
      continue;
    }
    if (c !== '$' && c !== '%') {
      literal += c;
      continue;
    }
    const next = text[i + 1];
    if (next !== undefined && next >= '0' && next <= '9') {
      flush();
      pieces.push({ kind: c === '$' ? 'rule' : 'cond', n: Number(next) });
      i++;
      continue;
    }
    if (next !== '{') throw bad(c === '$' ? 'a $ is followed by a digit or {' : 'a % is followed by a digit or {');
    const close = closingBrace(text, i + 2);
    if (close < 0) throw bad('a ${…} or %{…} is not closed');
    const inner = text.slice(i + 2, close);
    flush();
    pieces.push(c === '$' ? mapPiece(inner, context, bad) : variablePiece(inner, context));
    i = close;
  }
  flush();
  return pieces;
}

type SubstitutionReason =
  | 'it ends with a lone backslash'
  | 'a $ is followed by a digit or {'
  | 'a % is followed by a digit or {'
  | 'a ${…} or %{…} is not closed'
  | 'a map lookup reads ${map:key} or ${map:key|default}';

/** The `}` closing the `{` before `from`, skipping nested `${…}` and `%{…}`; -1 when there is none. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function mapPiece(inner: string, context: ParseContext, bad: (reason: SubstitutionReason) => ConfigError): Piece {
  const colon = inner.indexOf(':');
  if (colon <= 0) throw bad('a map lookup reads ${map:key} or ${map:key|default}');
  const name = inner.slice(0, colon);
  const map = context.maps.get(name);
  if (map === undefined) {
    throw new ConfigError('SV_ERR_REWRITE_UNKNOWN_MAP', {
      file: context.file,
      line: context.line,
      map: name,
      declared: [...context.maps.keys()].join(', '),
    });
  }
  const rest = inner.slice(colon + 1);
  const bar = topLevelBar(rest);
  const key = parseSubstitution(bar < 0 ? rest : rest.slice(0, bar), context);
  const fallback = bar < 0 ? [] : parseSubstitution(rest.slice(bar + 1), context);
  return { kind: 'map', map, key, fallback };
}

function topLevelBar(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '|' && depth === 0) return i;
  }
  return -1;
}

function variablePiece(inner: string, context: ParseContext): Piece {
  const colon = inner.indexOf(':');
  if (colon < 0) {
    if (!KNOWN_VARIABLES.has(inner)) context.unknownVariables.push({ line: context.line, name: inner });
    return { kind: 'var', name: inner };
  }
  const type = inner.slice(0, colon);
  const name = inner.slice(colon + 1);
  if (type === 'HTTP') return { kind: 'http', name };
  if (type === 'ENV') return { kind: 'env', name };
  if (type === 'SSL') return { kind: 'ssl', name };
  throw new ConfigError('SV_ERR_REWRITE_VARIABLE_TYPE', { file: context.file, line: context.line, type });
}

/** Whitespace-separated words; a word in double quotes may hold spaces (Tomcat's QuotedStringTokenizer). */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let token = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && line[i + 1] === '"') i++;
        token += line[i++];
      }
      i++;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) token += line[i++];
    }
    tokens.push(token);
  }
  return tokens;
}

function flagList(text: string | undefined): string[] {
  if (text === undefined) return [];
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(',').filter((flag) => flag !== '');
}

function arguments_(file: string, line: number, directive: string, expected: string, count: number): ConfigError {
  return new ConfigError('SV_ERR_REWRITE_ARGUMENTS', { file, line, directive, expected, count });
}

function unknownFlag(file: string, line: number, directive: string, flag: string, known: readonly string[]): ConfigError {
  return new ConfigError('SV_ERR_REWRITE_UNKNOWN_FLAG', { file, line, directive, flag, known: known.join(', ') });
}

function flagValue(file: string, line: number, flag: string, value: string, allowed: string): ConfigError {
  return new ConfigError('SV_ERR_REWRITE_FLAG_VALUE', { file, line, flag, value, allowed });
}

// --- evaluation ---

interface Matches {
  readonly rule: RegExpExecArray | null;
  cond: RegExpExecArray | null;
  readonly escapeBackReferences: boolean;
}

/**
 * Applies one rule to `input` (the URL, or the host name for an H rule): null when its pattern or its conditions
 * do not match, else what it produces. Conditions group as mod_rewrite's: a condition with OR is or-ed with the
 * next one, and the groups are and-ed.
 */
export function evaluateRule(rule: RewriteRule, input: string, resolver: RewriteResolver): RuleResult | null {
  const found = rule.pattern.exec(input);
  if ((found !== null) === rule.negate) return null;
  const matches: Matches = { rule: found, cond: null, escapeBackReferences: rule.escapeBackReferences };
  if (!conditionsHold(rule.conditions, matches, resolver)) return null;
  const env = rule.env.map(({ name, value }) => [name, expand(value, matches, resolver)] as const);
  const cookieValue = rule.cookie === null ? null : expand(rule.cookie.value, matches, resolver);
  const value = rule.substitution === null ? input : expand(rule.substitution, matches, resolver);
  return { value, env, cookieValue };
}

function conditionsHold(conditions: readonly RewriteCondition[], matches: Matches, resolver: RewriteResolver): boolean {
  let i = 0;
  while (i < conditions.length) {
    // One group: conditions joined by OR, up to and including the first without it.
    let held = false;
    for (;;) {
      const condition = conditions[i] as RewriteCondition;
      if (!held && conditionHolds(condition, matches, resolver)) held = true;
      i++;
      if (!condition.ornext || i >= conditions.length) break;
    }
    if (!held) return false;
  }
  return true;
}

function conditionHolds(condition: RewriteCondition, matches: Matches, resolver: RewriteResolver): boolean {
  let value = expand(condition.test, matches, resolver);
  // Tomcat lower-cases the tested value under NC (so %N back-references are lower case too).
  if (condition.nocase) value = value.toLowerCase();
  let holds: boolean;
  switch (condition.kind) {
    case 'pattern': {
      const found = (condition.pattern as RegExp).exec(value);
      holds = found !== null;
      if (holds && !condition.negate) matches.cond = found;
      break;
    }
    case '<':
      holds = value < condition.operand;
      break;
    case '>':
      holds = value > condition.operand;
      break;
    case '=':
      holds = value === condition.operand;
      break;
    default:
      holds = resolver.resource(condition.kind, value);
  }
  return holds !== condition.negate;
}

function expand(pieces: readonly Piece[], matches: Matches, resolver: RewriteResolver): string {
  let out = '';
  for (const piece of pieces) out += expandPiece(piece, matches, resolver);
  return out;
}

function expandPiece(piece: Piece, matches: Matches, resolver: RewriteResolver): string {
  switch (piece.kind) {
    case 'text':
      return piece.text;
    case 'rule': {
      const group = matches.rule?.[piece.n] ?? '';
      return matches.escapeBackReferences ? escapeBackReference(group) : group;
    }
    case 'cond':
      return matches.cond?.[piece.n] ?? '';
    case 'var':
      return resolver.variable(piece.name) ?? '';
    case 'env':
      return resolver.env(piece.name) ?? '';
    case 'http':
      return resolver.http(piece.name);
    case 'ssl':
      return resolver.ssl(piece.name) ?? '';
    case 'map': {
      const found = piece.map.lookup(expand(piece.key, matches, resolver));
      return found ?? expand(piece.fallback, matches, resolver);
    }
  }
}
