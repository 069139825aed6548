/** Classification and validation of Servlet `url-pattern`s (Servlet 6 §12.2), shared by servlet and filter mappings. */
import type { ParamsOf } from '../errors/codes.js';
import { DeployError } from '../errors/container-error.js';
import { DOT, lastIndexOfChar, SLASH } from './char-search.js';

/** The five kinds of pattern §12.2 defines. */
export type UrlPatternType = 'exact' | 'path-prefix' | 'extension' | 'default' | 'context-root';

interface UrlPatternBase {
  /** The pattern as used for mapping (a leading `/` added if it was missing). */
  readonly pattern: string;
  /** The pattern exactly as declared. */
  readonly original: string;
  /** True when a leading `/` had to be added (Tomcat accepts this for old descriptors, with a warning). */
  readonly adjusted: boolean;
}

export type UrlPattern =
  | (UrlPatternBase & { readonly type: 'exact'; /** The path itself, e.g. `/catalog`. */ readonly path: string })
  | (UrlPatternBase & { readonly type: 'path-prefix'; /** `/x` for `/x/*`, `""` for `/*`. */ readonly prefix: string })
  | (UrlPatternBase & { readonly type: 'extension'; /** `do` for `*.do`. */ readonly extension: string })
  | (UrlPatternBase & { readonly type: 'default' })
  | (UrlPatternBase & { readonly type: 'context-root' });

function invalid(pattern: string, reason: ParamsOf<'SV_ERR_DEPLOY_URL_PATTERN_INVALID'>['reason']): DeployError {
  return new DeployError('SV_ERR_DEPLOY_URL_PATTERN_INVALID', { pattern, reason });
}

/**
 * Parse and classify one url-pattern. Throws SV_ERR_DEPLOY_URL_PATTERN_INVALID for a pattern §12.2 does not
 * define: `*` anywhere but a trailing `/*` or a leading `*.`, a `/` in an extension, CR/LF.
 */
export function parseUrlPattern(original: string): UrlPattern {
  if (/[\r\n]/.test(original)) throw invalid(original, 'it contains a CR or LF character');
  if (original === '') return { type: 'context-root', pattern: '', original, adjusted: false };

  if (original.startsWith('*.')) {
    const extension = original.slice(2);
    if (extension === '') throw invalid(original, 'the extension after [*.] is empty');
    if (extension.includes('/')) throw invalid(original, 'an extension pattern must not contain [/]');
    if (extension.includes('*')) throw invalid(original, 'an extension pattern must contain only one [*]');
    return { type: 'extension', pattern: original, original, adjusted: false, extension };
  }

  // `*` would otherwise become `/*` and silently take every request.
  if (original.startsWith('*')) throw invalid(original, 'a pattern starting with [*] must be an extension [*.ext]');
  // Tomcat (StandardContext.adjustURLPattern) prefixes a missing `/` for descriptors written before Servlet 2.3.
  const adjusted = !original.startsWith('/');
  const pattern = adjusted ? `/${original}` : original;
  if (pattern === '/') return { type: 'default', pattern, original, adjusted };

  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -2);
    if (prefix.includes('*')) throw invalid(original, 'a path-prefix pattern must contain [*] only in its final [/*]');
    return { type: 'path-prefix', pattern, original, adjusted, prefix };
  }
  if (pattern.includes('*')) {
    throw invalid(original, '[*] is allowed only as a trailing [/*] or a leading [*.]');
  }
  return { type: 'exact', pattern, original, adjusted, path: pattern };
}

/**
 * Whether a (canonical, context-relative) path matches a pattern the way filter mappings are matched
 * (Servlet 6 §6.2.4 refers to §12.2): exact, path-prefix on a `/` boundary, or extension of the last segment.
 * The default pattern `/` only matches `/` itself here; `""` matches the context root `/`.
 */
export function urlPatternMatches(urlPattern: UrlPattern, path: string): boolean {
  switch (urlPattern.type) {
    case 'exact':
      return path === urlPattern.path;
    case 'default':
    case 'context-root':
      return path === '/';
    case 'path-prefix': {
      const { prefix } = urlPattern;
      return path === prefix || (path.startsWith(prefix) && path.charAt(prefix.length) === '/');
    }
    case 'extension': {
      const slash = lastIndexOfChar(path, SLASH);
      const period = lastIndexOfChar(path, DOT);
      return period > slash && path.slice(period + 1) === urlPattern.extension;
    }
  }
}
