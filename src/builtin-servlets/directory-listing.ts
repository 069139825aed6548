/** The HTML directory listing of the DefaultServlet (listings=true): escaped names, sizes, dates, optional sorting. */
import { isSpecialPath, type DirectoryResource, type ResourceCache } from '../resources/resource-cache.js';

export interface ListingEntry {
  readonly name: string;
  readonly directory: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ListingOptions {
  /** sortListings: the client may choose the order with Tomcat's `?C=N|S|M;O=A|D` query. */
  readonly sortListings: boolean;
  readonly sortDirectoriesFirst: boolean;
  /** The footer naming the server, or null (showServerInfo=false). */
  readonly serverInfo: string | null;
}

export type SortColumn = 'N' | 'S' | 'M';
export type SortOrder = 'A' | 'D';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The entries of a directory (on disk or in the bundle, through the webapp's ResourceCache); WEB-INF and
 * META-INF at the root are not even named (Servlet spec §10.5).
 */
export async function readListing(cache: ResourceCache, path: string, directory: DirectoryResource): Promise<ListingEntry[]> {
  const entries = await cache.list(path, directory);
  return path === '/' ? entries.filter((entry) => !isSpecialPath(entry.name)) : entries;
}

/** Tomcat's listing sort query: `C=N;O=D` (semicolon or ampersand separated); defaults name ascending. */
export function parseSortQuery(query: string | null): { column: SortColumn; order: SortOrder } {
  let column: SortColumn = 'N';
  let order: SortOrder = 'A';
  for (const part of (query ?? '').split(/[;&]/)) {
    const [key, value] = part.split('=');
    if (key === 'C' && (value === 'N' || value === 'S' || value === 'M')) column = value;
    if (key === 'O' && (value === 'A' || value === 'D')) order = value;
  }
  return { column, order };
}

/** Orders entries; names compare by code unit so the order is the same on every platform and locale. */
export function sortEntries(
  entries: readonly ListingEntry[],
  column: SortColumn,
  order: SortOrder,
  directoriesFirst: boolean,
): ListingEntry[] {
  const byName = (a: ListingEntry, b: ListingEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const key = (a: ListingEntry, b: ListingEntry): number => {
    if (column === 'S') return a.size - b.size || byName(a, b);
    if (column === 'M') return a.mtimeMs - b.mtimeMs || byName(a, b);
    return byName(a, b);
  };
  return [...entries].sort((a, b) => {
    if (directoriesFirst && a.directory !== b.directory) return a.directory ? -1 : 1;
    return order === 'A' ? key(a, b) : key(b, a);
  });
}

/** Human-readable size the way Tomcat's listing shows it (`1.2 kb`), bytes below 1 KiB. */
export function renderSize(size: number): string {
  if (size < 1024) return `${size} b`;
  return `${(size / 1024).toFixed(1)} kb`;
}

/** A directory listing; every name is escaped for HTML and %-encoded in its link. */
export function renderDirectoryListing(
  path: string,
  entries: readonly ListingEntry[],
  query: string | null,
  options: ListingOptions,
): string {
  const { column, order } = options.sortListings ? parseSortQuery(query) : { column: 'N' as const, order: 'A' as const };
  const sorted = sortEntries(entries, column, order, options.sortDirectoriesFirst);
  const title = escapeHtml(`Directory Listing For [${path}]`);
  let html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<style>body{font-family:Tahoma,Arial,sans-serif}h1{color:white;background-color:#525D76}td{padding-right:1em}</style>' +
    `</head><body><h1>${title}</h1><hr><table><tr>${headerCell('Filename', 'N', column, order, options)}` +
    `${headerCell('Size', 'S', column, order, options)}${headerCell('Last Modified', 'M', column, order, options)}</tr>`;
  if (path !== '/') html += '<tr><td><a href="../">../</a></td><td></td><td></td></tr>';
  for (const entry of sorted) {
    const shown = entry.directory ? `${entry.name}/` : entry.name;
    const href = encodeURIComponent(entry.name) + (entry.directory ? '/' : '');
    const size = entry.directory ? '-' : renderSize(entry.size);
    html +=
      `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(shown)}</a></td><td align="right">${size}</td>` +
      `<td>${new Date(entry.mtimeMs).toUTCString()}</td></tr>`;
  }
  html += '</table><hr>';
  if (options.serverInfo !== null) html += `<h3>${escapeHtml(options.serverInfo)}</h3>`;
  return `${html}</body></html>`;
}

function headerCell(label: string, key: SortColumn, column: SortColumn, order: SortOrder, options: ListingOptions): string {
  if (!options.sortListings) return `<th>${label}</th>`;
  const next = column === key && order === 'A' ? 'D' : 'A';
  return `<th><a href="?C=${key};O=${next}">${label}</a></th>`;
}
