/**
 * How a built-in filter gets its settings, one path for both ways of making it: web.xml's `<init-param>`s, or
 * typed options given to the constructor in code (whose string form is what the same init-param would say).
 * An init-param wins over the option of the same name, and both go through the init-parameter table
 * (config/init-parameters.ts), so a bad value fails the filter's init() with SV_ERR_FILTER_INIT_PARAM naming
 * the filter and the parameter; the webapp then fails to start, as with a bad servlet.
 */
import { readInitParameters, type InitParameterOwner, type InitParameters } from '../config/init-parameters.js';
import { ContainerError } from '../errors/container-error.js';
import type { FilterConfig } from '../servlet/filter.js';

/** An init-param's value given from code: lists are joined with commas, as web.xml would write them. */
export type OptionValue = string | number | boolean | readonly string[] | undefined;

export function filterInitError(filter: string, name: string, value: string, allowed: string): ContainerError {
  return new ContainerError('SV_ERR_FILTER_INIT_PARAM', { name, filter, value, allowed });
}

/** The string form of options keyed by init-param name (undefined ones left out). */
export function optionsAsInitParameters(options: Readonly<Record<string, OptionValue>>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    params.set(name, typeof value === 'object' ? value.join(',') : String(value));
  }
  return params;
}

/**
 * The filter's typed init parameters: each from the FilterConfig when it has one, else from the code options'
 * string form, else the table's default. Without a config (a filter constructed in code, before init()), the
 * options alone, so that a bad option fails the constructor.
 */
export function readFilterInitParameters<O extends InitParameterOwner>(
  owner: O,
  config: FilterConfig | null,
  fromCode: ReadonlyMap<string, string>,
): InitParameters<O> {
  const filter = config?.getFilterName() ?? owner.slice('Filter:'.length);
  return readInitParameters(
    owner,
    (name) => config?.getInitParameter(name) ?? fromCode.get(name) ?? null,
    (name, value, allowed) => filterInitError(filter, name, value, allowed),
  );
}

/** Tomcat's parseStringToSet: comma-separated, each entry trimmed, empty entries dropped, duplicates once. */
export function commaList(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return [...new Set(entries)];
}

/**
 * Whether a charset name is one Node.js can decode, for init-time checks of an `encoding` init-param: the
 * WHATWG labels TextDecoder knows plus Java's spellings of the charsets every JVM has, as the connector accepts them.
 */
export function isKnownCharset(name: string): boolean {
  const key = name.trim().toLowerCase();
  if (JAVA_CHARSET_NAMES.has(key)) return true;
  try {
    const encoding = new TextDecoder(key).encoding;
    return encoding !== 'replacement' && encoding !== 'x-user-defined';
  } catch {
    return false;
  }
}

const JAVA_CHARSET_NAMES = new Set([
  'iso8859_1',
  'iso_8859_1',
  '8859_1',
  'iso8859-1',
  'latin1',
  'us_ascii',
  'ascii',
  'utf8',
  'utf_8',
  'utf-16',
  'utf16',
  'utf-16be',
  'utf-16le',
  'unicodebigunmarked',
  'unicodelittleunmarked',
]);
