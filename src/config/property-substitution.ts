/**
 * Tomcat-style `${name}` / `${name:-default}` replacement in configuration values, from catalina.base/home,
 * conf/catalina.properties, caller-supplied system properties and `env.NAME` environment variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PropertySourceOptions {
  readonly catalinaHome: string;
  readonly catalinaBase: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

export type SubstitutionResult = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly undefinedProperty: string };

/** Looks up properties; later sources override earlier ones, and catalina.base/home always win. */
export class PropertySource {
  readonly #properties: Map<string, string>;
  readonly #env: NodeJS.ProcessEnv;

  constructor(options: PropertySourceOptions) {
    this.#env = options.env ?? process.env;
    this.#properties = new Map<string, string>([
      ['user.home', homedir()],
      ['user.dir', process.cwd()],
      ['java.io.tmpdir', tmpdir()],
    ]);
    const catalinaProperties = join(options.catalinaBase, 'conf', 'catalina.properties');
    if (existsSync(catalinaProperties)) {
      for (const [key, value] of parseJavaProperties(readFileSync(catalinaProperties, 'utf8'))) this.#properties.set(key, value);
    }
    for (const [key, value] of Object.entries(options.properties ?? {})) this.#properties.set(key, value);
    this.#properties.set('catalina.home', options.catalinaHome);
    this.#properties.set('catalina.base', options.catalinaBase);
  }

  get(name: string): string | undefined {
    if (name.startsWith('env.')) return this.#env[name.slice(4)];
    return this.#properties.get(name);
  }

  /** Replaces every `${…}` in the value; the first undefined property without a default fails it. */
  substitute(value: string): SubstitutionResult {
    return substituteProperties(value, (name) => this.get(name));
  }
}

/**
 * Replaces `${name}` and `${name:-default}`; the default is used when the property is undefined.
 * A `$` not followed by `{`, or a `${` without a closing brace, is kept literally as Tomcat does.
 * Replacement text is not scanned again, so a value can never expand itself.
 */
export function substituteProperties(value: string, lookup: (name: string) => string | undefined): SubstitutionResult {
  let out = '';
  let index = 0;
  while (index < value.length) {
    const start = value.indexOf('${', index);
    if (start < 0) break;
    const end = value.indexOf('}', start + 2);
    if (end < 0) break;
    out += value.slice(index, start);
    const expression = value.slice(start + 2, end);
    const separator = expression.indexOf(':-');
    const name = separator < 0 ? expression : expression.slice(0, separator);
    const found = lookup(name);
    if (found !== undefined) out += found;
    else if (separator >= 0) out += expression.slice(separator + 2);
    else return { ok: false, undefinedProperty: name };
    index = end + 1;
  }
  return { ok: true, value: out + value.slice(index) };
}

/**
 * The subset of java.util.Properties syntax catalina.properties uses: `#`/`!` comments, `=`, `:` or
 * whitespace separators, backslash line continuation and the usual escapes.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    const match = /^((?:\\.|[^=:\s\\])*)\s*[=:]?\s*(.*)$/s.exec(line);
    if (!match) continue;
    result.set(unescape(match[1]!), unescape(match[2]!));
  }
  return result;
}

function endsWithContinuation(line: string): boolean {
  const trailing = /\\+$/.exec(line);
  return trailing !== null && trailing[0].length % 2 === 1;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_whole, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
  });
}
