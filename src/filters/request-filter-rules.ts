/**
 * The allow/deny rules that RemoteAddrValve, RemoteHostValve, RemoteCIDRValve and their filter twins
 * (RemoteAddrFilter, RemoteHostFilter, RemoteCIDRFilter) share: written once here, the valves use them.
 *
 * The decision is Tomcat's RequestFilterValve.isAllowed, in this order:
 * 1. a value that matches `deny` is refused;
 * 2. a value that matches `allow` passes;
 * 3. with `deny` set and no `allow`, everything else passes;
 * 4. everything else is refused (so with neither set, every request is refused: fail closed, as Tomcat).
 *
 * RemoteAddr/RemoteHost rules are regular expressions matched against the whole value (Java's matches()),
 * compiled through config-pattern.ts so that no client can make matching take more than linear time.
 * RemoteCIDR rules are comma separated IPv4 and IPv6 addresses or CIDR blocks (Tomcat's NetMask). An
 * IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4 peer) is the IPv4
 * address it carries, in the rules and in the address checked: `127.0.0.0/8` matches `::ffff:127.0.0.1`, as
 * in Java where InetAddress turns a mapped address into an Inet4Address. A mapped block in a rule keeps its
 * meaning: `::ffff:10.0.0.0/104` is `10.0.0.0/8`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { compileConfigPattern } from '../config/config-pattern.js';

/** A yes/no test of one value against a rule list. */
export interface RequestFilterRules {
  /**
   * Whether the request whose value is `value` may pass; `port` is the connector port when the rules were built
   * for `addConnectorPort` (then only rules with a `;port` part can match, as in Tomcat).
   */
  isAllowed(value: string, port?: number): boolean;
}

export type RulesResult = { readonly ok: true; readonly rules: RequestFilterRules } | { readonly ok: false; readonly reason: string };

/** allow/deny as a user writes them: absent or empty means "not set" (Tomcat's setAllow("")). */
export interface RuleText {
  readonly allow?: string | undefined;
  readonly deny?: string | undefined;
}

function isSet(text: string | undefined): text is string {
  return text !== undefined && text !== '';
}

/** Tomcat's decision order, given whether each list is set and whether the value matched it. */
function decide(denySet: boolean, denied: boolean, allowSet: boolean, allowed: boolean): boolean {
  if (denied) return false;
  if (allowed) return true;
  return denySet && !allowSet;
}

/**
 * Regular-expression rules (RemoteAddr*, RemoteHost*). With addConnectorPort the value is `addr;port`, and the
 * patterns are written for it (`127\.0\.0\.1;8080|.*;8443`), as in Tomcat.
 */
export function patternRules(text: RuleText): RulesResult {
  const compiled: Record<'allow' | 'deny', RegExp | null> = { allow: null, deny: null };
  for (const name of ['allow', 'deny'] as const) {
    const source = text[name];
    if (!isSet(source)) continue;
    const result = compileConfigPattern(source);
    if (!result.ok) return { ok: false, reason: `${name}: ${result.reason}` };
    compiled[name] = result.regex;
  }
  const { allow, deny } = compiled;
  return {
    ok: true,
    rules: {
      isAllowed(value: string, port?: number): boolean {
        const subject = port === undefined ? value : `${value};${port}`;
        return decide(deny !== null, deny?.test(subject) === true, allow !== null, allow?.test(subject) === true);
      },
    },
  };
}

/** One CIDR block of a RemoteCIDR list (Tomcat's NetMask), with its optional `;port` pattern. */
export interface NetMask {
  /** The address bytes: 4 for IPv4, 16 for IPv6. */
  readonly address: Uint8Array;
  /** Leading bits that must be equal. */
  readonly prefix: number;
  /** With addConnectorPort: the pattern the port must match (whole input); null = this rule has no port. */
  readonly port: RegExp | null;
}

export type NetMaskResult = { readonly ok: true; readonly mask: NetMask } | { readonly ok: false; readonly reason: string };

/** `10.0.0.0/8`, `::1`, `fe80::/10`, `192.168.0.0/16;80|443`: one element of a RemoteCIDR list. */
export function parseNetMask(input: string): NetMaskResult {
  const semicolon = input.indexOf(';');
  const addressPart = semicolon < 0 ? input : input.slice(0, semicolon);
  let port: RegExp | null = null;
  if (semicolon >= 0) {
    const compiled = compileConfigPattern(input.slice(semicolon + 1));
    if (!compiled.ok) return { ok: false, reason: `its port pattern cannot be used: ${compiled.reason}` };
    port = compiled.regex;
  }
  const slash = addressPart.indexOf('/');
  const written = parseAddressWithMapping(slash < 0 ? addressPart : addressPart.slice(0, slash));
  if (written === null) return { ok: false, reason: 'it is not an IPv4 or IPv6 address (host names are not resolved)' };
  const { bytes, mapped } = written;
  const bits = bytes.length * 8;
  if (slash < 0) return { ok: true, mask: { address: bytes, prefix: bits, port } };
  const prefixText = addressPart.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return { ok: false, reason: `its prefix length [${prefixText}] is not a number` };
  let prefix = Number(prefixText);
  if (mapped) {
    // `::ffff:a.b.c.d/n` names IPv4 addresses when n covers the 96 bits of the mapping prefix.
    if (prefix < 96 || prefix > 128) return { ok: false, reason: `the prefix length of an IPv4-mapped address must be from 96 to 128` };
    prefix -= 96;
  }
  if (prefix > bits) return { ok: false, reason: `its prefix length [${prefixText}] is larger than the ${bits} bits of the address` };
  return { ok: true, mask: { address: bytes, prefix, port } };
}

/** Whether `candidate` (4 or 16 bytes) lies in the block; an IPv4 block never matches an IPv6 address and vice versa. */
export function netMaskMatches(mask: NetMask, candidate: Uint8Array): boolean {
  const address = mask.address;
  if (candidate.length !== address.length) return false;
  const whole = mask.prefix >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== candidate[i]) return false;
  const rest = mask.prefix & 7;
  if (rest === 0) return true;
  const keep = (0xff << (8 - rest)) & 0xff;
  return ((address[whole]! ^ candidate[whole]!) & keep) === 0;
}

/**
 * The list of netmasks of one RemoteCIDR attribute (comma separated, blanks around commas ignored), or the first
 * element that is not one.
 */
export function parseNetMaskList(text: string): { ok: true; masks: NetMask[] } | { ok: false; reason: string } {
  const masks: NetMask[] = [];
  for (const element of text.split(',').map((s) => s.trim())) {
    const parsed = parseNetMask(element);
    if (!parsed.ok) return { ok: false, reason: `[${element}] ${parsed.reason}` };
    masks.push(parsed.mask);
  }
  return { ok: true, masks };
}

/** CIDR rules (RemoteCIDR*). The value checked is an IP address; one that is not refuses the request (Tomcat). */
export function cidrRules(text: RuleText): RulesResult {
  const lists: Record<'allow' | 'deny', NetMask[]> = { allow: [], deny: [] };
  for (const name of ['allow', 'deny'] as const) {
    const source = text[name];
    if (!isSet(source)) continue;
    const parsed = parseNetMaskList(source);
    if (!parsed.ok) return { ok: false, reason: `${name}: ${parsed.reason}` };
    lists[name] = parsed.masks;
  }
  const { allow, deny } = lists;
  return {
    ok: true,
    rules: {
      isAllowed(value: string, port?: number): boolean {
        const address = parseAddress(value);
        if (address === null) return false;
        return decide(deny.length > 0, anyMatch(deny, address, port), allow.length > 0, anyMatch(allow, address, port));
      },
    },
  };
}

function anyMatch(masks: readonly NetMask[], address: Uint8Array, port: number | undefined): boolean {
  for (const mask of masks) {
    if (port === undefined) {
      if (mask.port === null && netMaskMatches(mask, address)) return true;
    } else if (mask.port !== null && mask.port.test(String(port)) && netMaskMatches(mask, address)) {
      return true;
    }
  }
  return false;
}

/** The bytes of an IP address (4 for IPv4 and IPv4-mapped IPv6, 16 for other IPv6), or null. A zone (`%eth0`) is ignored. */
export function parseAddress(text: string): Uint8Array | null {
  return parseAddressWithMapping(text)?.bytes ?? null;
}

function parseAddressWithMapping(input: string): { bytes: Uint8Array; mapped: boolean } | null {
  const zone = input.indexOf('%');
  const text = zone < 0 ? input : input.slice(0, zone);
  if (isIPv4(text)) return { bytes: Uint8Array.from(text.split('.').map(Number)), mapped: false };
  if (!isIPv6(text)) return null;
  const bytes = ipv6Bytes(text);
  if (bytes === null) return null;
  const isMapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return isMapped ? { bytes: bytes.slice(12), mapped: true } : { bytes, mapped: false };
}

/** Expands a valid IPv6 literal (node:net already checked its syntax) into its 16 bytes. */
function ipv6Bytes(text: string): Uint8Array | null {
  let source = text;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // A dotted IPv4 tail (`::ffff:1.2.3.4`) is the last two groups.
    const [a, b, c, d] = last.split('.').map(Number) as [number, number, number, number];
    source = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const gap = source.indexOf('::');
  let values: number[];
  if (gap < 0) {
    values = parse(source);
  } else {
    const head = parse(source.slice(0, gap));
    const rest = parse(source.slice(gap + 2));
    values = [...head, ...new Array<number>(Math.max(0, 8 - head.length - rest.length)).fill(0), ...rest];
  }
  if (values.length !== 8 || values.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffff)) return null;
  const bytes = new Uint8Array(16);
  values.forEach((v, i) => {
    bytes[2 * i] = v >> 8;
    bytes[2 * i + 1] = v & 0xff;
  });
  return bytes;
}
