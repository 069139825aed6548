/** Accept-Language parsing (RFC 9110 §12.5.4): language ranges ordered by q-value, ties in received order. */

const RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

interface Weighted {
  readonly tag: string;
  readonly q: number;
  readonly order: number;
}

/**
 * The acceptable languages, most preferred first. `*` and q=0 ranges name no locale and are dropped;
 * malformed entries are skipped (Tomcat ignores them rather than failing the request).
 */
export function parseAcceptLanguage(values: readonly string[]): string[] {
  const entries: Weighted[] = [];
  let order = 0;
  for (const value of values) {
    for (const element of value.split(',')) {
      const [rangePart, ...params] = element.split(';');
      const tag = (rangePart ?? '').trim();
      if (tag === '' || !RANGE.test(tag)) continue;
      let q = 1;
      let valid = true;
      for (const param of params) {
        const eq = param.indexOf('=');
        if (eq < 0) continue;
        if (param.slice(0, eq).trim().toLowerCase() !== 'q') continue;
        const raw = param.slice(eq + 1).trim();
        if (!QVALUE.test(raw)) valid = false;
        else q = Number(raw);
      }
      if (!valid || q === 0 || tag === '*') continue;
      entries.push({ tag, q, order: order++ });
    }
  }
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  return entries.map((e) => e.tag);
}
