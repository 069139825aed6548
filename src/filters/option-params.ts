/**
 * Settings of a built-in filter from its two sources, read through the one init-parameter table
 * (config/init-parameters.ts): the typed options given to its constructor, and its web.xml init-params. An
 * option is turned into its string form and read exactly as the init-param of that name would be, so both
 * are validated (and defaulted) by the same rules; an option wins over an init-param of the same name.
 */
import { didYouMean } from '../config/did-you-mean.js';
import { initParametersOf, readInitParameters, type InitParameterOwner, type InitParameters } from '../config/init-parameters.js';
import type { FilterConfig } from '../servlet/filter.js';

/** The typed options of a filter: any of its init-params, typed as the table declares them. */
export type FilterOptions<O extends InitParameterOwner> = { readonly [K in keyof InitParameters<O>]?: InitParameters<O>[K] };

export function readFilterSettings<O extends InitParameterOwner>(
  owner: O,
  options: FilterOptions<O>,
  config: FilterConfig | null,
  invalid: (name: string, value: string, allowed: string) => Error,
): InitParameters<O> {
  const given = options as Readonly<Record<string, unknown>>;
  const read = (name: string): string | null => {
    const option = given[name];
    if (typeof option === 'string' || typeof option === 'number' || typeof option === 'boolean') return String(option);
    return config?.getInitParameter(name) ?? null;
  };
  return readInitParameters(owner, read, invalid);
}

/** The first init-param of `config` the table does not declare for `owner`, with the names it does declare. */
export function unknownInitParameter(
  owner: InitParameterOwner,
  config: FilterConfig | null,
): { readonly name: string; readonly hint: string; readonly known: string } | null {
  if (config === null) return null;
  const known = initParametersOf(owner).map((spec) => spec.name);
  for (const name of config.getInitParameterNames()) {
    if (known.includes(name)) continue;
    const suggestion = didYouMean(name, known);
    return { name, hint: suggestion === undefined ? '' : ` (did you mean [${suggestion}]?)`, known: known.join(', ') };
  }
  return null;
}
