/** An HTTP cookie as the Servlet API sees it (RFC 6265 attributes, plus SameSite and Partitioned). */
export class Cookie {
  readonly #name: string;
  #value: string;
  readonly #attributes = new Map<string, string>();

  constructor(name: string, value: string) {
    // RFC 6265 §4.1.1: a cookie name is an RFC 7230 token.
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new TypeError(`Cookie name [${name}] is not a valid token`);
    this.#name = name;
    this.#value = value;
  }

  getName(): string {
    return this.#name;
  }
  getValue(): string {
    return this.#value;
  }
  setValue(value: string): void {
    this.#value = value;
  }
  getPath(): string | null {
    return this.#attributes.get('Path') ?? null;
  }
  setPath(path: string | null): void {
    this.setAttribute('Path', path);
  }
  getDomain(): string | null {
    return this.#attributes.get('Domain') ?? null;
  }
  setDomain(domain: string | null): void {
    this.setAttribute('Domain', domain === null ? null : domain.toLowerCase());
  }
  /** -1 (the default) means a session cookie; 0 deletes the cookie. */
  getMaxAge(): number {
    const value = this.#attributes.get('Max-Age');
    return value === undefined ? -1 : Number(value);
  }
  setMaxAge(seconds: number): void {
    this.setAttribute('Max-Age', seconds < 0 ? null : String(Math.trunc(seconds)));
  }
  getSecure(): boolean {
    return this.#attributes.has('Secure');
  }
  setSecure(secure: boolean): void {
    this.setAttribute('Secure', secure ? '' : null);
  }
  isHttpOnly(): boolean {
    return this.#attributes.has('HttpOnly');
  }
  setHttpOnly(httpOnly: boolean): void {
    this.setAttribute('HttpOnly', httpOnly ? '' : null);
  }
  getAttribute(name: string): string | null {
    return this.#attributes.get(name) ?? null;
  }
  /** Sets (or with null removes) an attribute such as SameSite; an empty value is a flag attribute. */
  setAttribute(name: string, value: string | null): void {
    if (/[;,=\s\u0000-\u001f\u007f]/.test(name)) throw new TypeError(`Cookie attribute name [${name}] is invalid`);
    if (value !== null && /[;\r\n\u0000]/.test(value)) {
      throw new TypeError(`Cookie attribute [${name}] value [${value}] is invalid`);
    }
    if (value === null) this.#attributes.delete(name);
    else this.#attributes.set(name, value);
  }
  getAttributes(): ReadonlyMap<string, string> {
    return this.#attributes;
  }
}
