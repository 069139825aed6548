/**
 * DIGEST (RFC 7616): the client proves it knows the password by hashing it with a nonce this authenticator issued;
 * the password never crosses the wire. The steps, once the header parses: the realm name, the digest-uri (it must be
 * the request's own, §3.4.6: 400 otherwise), the opaque value, the algorithm, the nonce (forged or replayed: a new
 * challenge), then the realm checks the response. A right response on a stale nonce gets `stale=true`, so the
 * browser retries without asking the user again (§3.3). A nonce count is recorded only after the realm accepted the
 * response, so a client without the password cannot use up a real client's counts.
 */
import type { Request } from '../core/request.js';
import type { Response } from '../core/response.js';
import type { DigestAlgorithm } from '../realm/realm.js';
import { HttpServletRequest } from '../servlet/http-servlet-request.js';
import { digestChallenges, digestUriMatches, parseDigestAuthorization, toDigestCredentials } from './digest-authorization.js';
import { DigestNonces } from './digest-nonces.js';
import type { LoginContext, LoginMethod } from './login-method.js';

export class DigestLogin implements LoginMethod {
  readonly authType = HttpServletRequest.DIGEST_AUTH;
  readonly #nonces: DigestNonces;
  readonly #algorithms: readonly DigestAlgorithm[];

  constructor(nonces: DigestNonces, algorithms: readonly DigestAlgorithm[]) {
    this.#nonces = nonces;
    this.#algorithms = algorithms;
  }

  async authenticate(request: Request, response: Response, login: LoginContext): Promise<boolean> {
    const header = request.getHeader('authorization');
    const parsed = header === null ? 'not-digest' : parseDigestAuthorization(header);
    if (typeof parsed === 'string') return this.#challenge(request, response, login, false);
    const query = request.getQueryString();
    const target = query === null ? request.getRequestURI() : `${request.getRequestURI()}?${query}`;
    const host = request.getHeader('host') ?? '';
    if (login.settings.validateUri && !digestUriMatches(parsed.uri, target, { scheme: request.getScheme(), host })) {
      response.sendError(400);
      return false;
    }
    const address = request.getRemoteAddr();
    if (
      parsed.realm !== login.realmName ||
      !this.#nonces.opaqueMatches(parsed.opaque) ||
      !this.#algorithms.includes(parsed.algorithm) ||
      !isAcceptable(this.#nonces.check(parsed.nonce, address, parsed.nonceCount))
    ) {
      return this.#challenge(request, response, login, false);
    }
    const principal = await login.realm.authenticateDigest(toDigestCredentials(parsed, request.getMethod()));
    if (principal === null) return this.#challenge(request, response, login, false);
    const status = this.#nonces.use(parsed.nonce, address, parsed.nonceCount);
    if (status === 'stale') return this.#challenge(request, response, login, true);
    if (status !== 'valid') return this.#challenge(request, response, login, false);
    login.register(request, principal, this.authType);
    return true;
  }

  #challenge(request: Request, response: Response, login: LoginContext, stale: boolean): false {
    const nonce = this.#nonces.issue(request.getRemoteAddr());
    const challenges = digestChallenges({
      realmName: login.realmName,
      nonce,
      opaque: this.#nonces.opaque,
      algorithms: this.#algorithms,
      stale,
    });
    for (const challenge of challenges) response.addHeader('WWW-Authenticate', challenge);
    response.sendError(401);
    return false;
  }
}

function isAcceptable(status: string): boolean {
  return status === 'valid' || status === 'stale';
}
