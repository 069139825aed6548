/**
 * Tomcat's naming rules between a webapp's base name (file or directory) and its context path
 * (reference §5): `ROOT` ↔ "", `foo#bar` ↔ `/foo/bar`, and `##version` for parallel deployment.
 */
export interface ContextName {
  /** "" for ROOT. */
  readonly path: string;
  /** "" when unversioned. */
  readonly version: string;
  /** The file/directory name without .war/.xml. */
  readonly baseName: string;
}

export function contextNameFromBaseName(baseName: string): ContextName {
  const versionMark = baseName.indexOf('##');
  const version = versionMark < 0 ? '' : baseName.slice(versionMark + 2);
  const name = versionMark < 0 ? baseName : baseName.slice(0, versionMark);
  const path = name === 'ROOT' ? '' : `/${name.replaceAll('#', '/')}`;
  return { path, version, baseName };
}

export function baseNameFromPath(path: string, version = ''): string {
  const name = path === '' || path === '/' ? 'ROOT' : path.replace(/^\//, '').replaceAll('/', '#');
  return version === '' ? name : `${name}##${version}`;
}
