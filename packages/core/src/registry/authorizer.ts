/**
 * A session's auth state: the challenge each registry answered with, the credentials found for it, and bearer
 * tokens by scope set. The pure parts (challenge parsing, token requests and answers) are in auth.ts.
 */
import { type AuthChallenge, basicAuthorization, buildTokenRequest, mergeScopes, parseTokenResponse } from './auth.ts';
import { MAX_SMALL_RESPONSE } from './call.ts';
import type { RegistryCredentials, ResolvedCredentials } from './docker-config.ts';
import { RegistryError } from './errors.ts';
import { errorFromResponse } from './response-error.ts';
import type { Exchanger } from './exchange.ts';
import { isLoopbackHost, registryEndpointHost } from './transport.ts';

export interface AuthorizerDeps {
  /** The session's exchanger: the token realm is spoken to with the registry's agents, trace and error wording. */
  readonly exchanger: Exchanger;
  /** Retries the token request under the session's policy. */
  readonly retry: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly credentialSource: (registry: string) => Promise<ResolvedCredentials>;
  readonly now: () => number;
}

export class Authorizer {
  /** null: probed, no challenge we can answer; requests go without Authorization until a 401 brings one. */
  private readonly challenges = new Map<string, AuthChallenge | null>();
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly pendingTokens = new Map<string, Promise<string>>();
  private readonly credentialCache = new Map<string, Promise<ResolvedCredentials>>();

  constructor(private readonly deps: AuthorizerDeps) {}

  rememberChallenge(registry: string, challenge: AuthChallenge | null): void {
    this.challenges.set(registry, challenge);
  }

  credentials(registry: string): Promise<ResolvedCredentials> {
    let p = this.credentialCache.get(registry);
    if (!p) {
      p = this.deps.credentialSource(registry);
      this.credentialCache.set(registry, p);
      p.catch(() => this.credentialCache.delete(registry));
    }
    return p;
  }

  /** Authorization header for these scopes from what we know about the registry's challenge. */
  async authorization(registry: string, scopes: readonly string[], fresh: boolean): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    if (!challenge) return undefined;
    const { credentials } = await this.credentials(registry);
    if (challenge.scheme === 'basic') {
      if (credentials?.username !== undefined && credentials.password !== undefined) return basicAuthorization(credentials.username, credentials.password);
      if (credentials?.registryToken) return `Bearer ${credentials.registryToken}`;
      return undefined;
    }
    if (credentials?.registryToken) return `Bearer ${credentials.registryToken}`;
    const token = await this.token(registry, challenge, scopes, credentials, fresh);
    return `Bearer ${token}`;
  }

  private async token(registry: string, challenge: AuthChallenge, scopes: readonly string[], credentials: RegistryCredentials | undefined, fresh: boolean): Promise<string> {
    const merged = mergeScopes(scopes);
    const key = `${registry} ${merged.join(' ')}`;
    const cached = this.tokens.get(key);
    if (cached && !fresh && cached.expiresAt > this.deps.now()) return cached.token;
    // Concurrent requests for the same scopes (parallel blob uploads) share one token request.
    const pending = this.pendingTokens.get(key);
    if (pending && !fresh) return pending;
    const p = this.fetchToken(registry, challenge, merged, credentials).then((t) => {
      this.tokens.set(key, { token: t.token, expiresAt: this.deps.now() + Math.max(10, t.expiresInS - 10) * 1000 });
      return t.token;
    });
    this.pendingTokens.set(key, p);
    try {
      return await p;
    } finally {
      if (this.pendingTokens.get(key) === p) this.pendingTokens.delete(key);
    }
  }

  private async fetchToken(registry: string, challenge: AuthChallenge, scopes: readonly string[], credentials: RegistryCredentials | undefined): Promise<{ token: string; expiresInS: number }> {
    const op = `get a token from ${challenge.params.realm ?? '(no realm)'}`;
    let req;
    try {
      req = buildTokenRequest(challenge, scopes, credentials);
    } catch {
      throw new RegistryError({ registry, operation: op, detail: `the Bearer challenge's realm ${JSON.stringify(challenge.params.realm)} is not a URL` });
    }
    if (req.url.protocol !== 'https:' && !(req.url.protocol === 'http:' && isLoopbackHost(req.url.host))) {
      throw new RegistryError({ registry, operation: op, detail: 'refusing to send credentials to a token realm that is not HTTPS' });
    }
    const res = await this.deps.retry(async () => {
      // The realm is trusted with the registry's certs.d CAs too, as docker and containerd do (one transport for both).
      const r = await this.deps.exchanger.exchange({ registry }, op, req.method, req.url, req.headers, req.body, MAX_SMALL_RESPONSE, registryEndpointHost(registry));
      if (r.status !== 200) throw errorFromResponse({ registry }, op, r, credentials);
      return r;
    });
    const parsed = parseTokenResponse(res.body);
    if (!parsed) throw new RegistryError({ registry, operation: op, status: res.status, detail: 'the answer has neither "token" nor "access_token"' });
    return parsed;
  }
}
