/** Which filters apply to a request: url-pattern or servlet-name matching per dispatcher type (Servlet spec §6.2.4). */
import type { DispatcherType } from '../servlet/dispatcher-type.js';

export interface FilterMap {
  readonly filterName: string;
  readonly urlPatterns: readonly string[];
  readonly servletNames: readonly string[];
  readonly dispatcherTypes: readonly DispatcherType[];
}

/** Servlet spec §12.2 matching of one filter url-pattern against a context-relative path. */
export function matchesUrlPattern(pattern: string, path: string): boolean {
  if (pattern === '/*' || pattern === '/') return true;
  if (pattern === path) return true;
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -2);
    return path === prefix || path.startsWith(`${prefix}/`);
  }
  if (pattern.startsWith('*.')) {
    const slash = path.lastIndexOf('/');
    const dot = path.lastIndexOf('.');
    return dot > slash && path.slice(dot + 1) === pattern.slice(2);
  }
  return false;
}

/** The filter names to run, in declaration order: url-pattern matches first, then servlet-name matches. */
export function selectFilters(maps: readonly FilterMap[], dispatcherType: DispatcherType, path: string, servletName: string): string[] {
  const byUrl: string[] = [];
  const byName: string[] = [];
  for (const map of maps) {
    if (!map.dispatcherTypes.includes(dispatcherType)) continue;
    if (map.urlPatterns.some((p) => matchesUrlPattern(p, path))) byUrl.push(map.filterName);
    else if (map.servletNames.some((n) => n === '*' || n === servletName)) byName.push(map.filterName);
  }
  return [...byUrl, ...byName];
}
