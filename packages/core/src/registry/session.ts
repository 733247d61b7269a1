/**
 * The request path of one run: endpoint probing, auth, redirects and retries around one HTTP exchange (exchange.ts).
 * Operations reach it only through the RegistrySession interface (call.ts), so none of this leaks into them.
 */
import type { Exec } from '../exec.ts';
import { challengeScopes, mergeScopes, parseWwwAuthenticate, pickChallenge } from './auth.ts';
import { Authorizer } from './authorizer.ts';
import { type Call, MAX_SMALL_RESPONSE, type RegistrySession, header } from './call.ts';
import { type ResolvedCredentials, resolveDockerCredentials } from './docker-config.ts';
import { RegistryError } from './errors.ts';
import { Exchanger, type TraceEvent } from './exchange.ts';
import { errorFromResponse } from './response-error.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts';
import { DEFAULT_CERTS_DIR, type HttpResponse, SYSTEM_CA_FILES, isTlsProtocolMismatch, registryEndpointHost, schemesFor } from './transport.ts';

export type { TraceEvent } from './exchange.ts';

export interface RegistryClientDeps {
  /** HOME / DOCKER_CONFIG for the docker config, PATH for credential helpers, NODE_EXTRA_CA_CERTS. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs docker-credential-* helpers. */
  readonly exec: Exec;
  readonly log?: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1): backoff jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
  /** Docker's per-registry TLS directory (default /etc/docker/certs.d). */
  readonly certsDir?: string;
  /** System CA bundles to trust besides Node's own (default: the usual distribution paths). */
  readonly systemCaFiles?: readonly string[];
  /** Stall timeout: a request with no socket activity for this long fails (and is retried). Default 60s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly userAgent?: string;
  /** Replaces the docker config lookup (tests, or callers that already hold credentials). */
  readonly credentials?: (registry: string) => Promise<ResolvedCredentials>;
  /** Called once per HTTP exchange (after it completes or fails): request counting in tests, debugging. */
  readonly trace?: (event: TraceEvent) => void;
}

interface Endpoint {
  readonly base: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}

function withAuth(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  return authorization ? { ...headers, Authorization: authorization } : headers;
}

/** A session holds per-run caches only (endpoints, auth challenges, tokens, credentials, keep-alive agents). */
export function openSession(deps: RegistryClientDeps): RegistrySession {
  return new Session(deps);
}

class Session implements RegistrySession {
  readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly policy: RetryPolicy;
  private readonly exchanger: Exchanger;
  private readonly auth: Authorizer;
  private readonly endpoints = new Map<string, Promise<Endpoint>>();

  constructor(deps: RegistryClientDeps) {
    const { env, exec } = deps;
    this.log = deps.log ?? (() => undefined);
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.exchanger = new Exchanger({
      tls: { certsDir: deps.certsDir ?? DEFAULT_CERTS_DIR, systemCaFiles: deps.systemCaFiles ?? SYSTEM_CA_FILES, env },
      userAgent: deps.userAgent ?? 'moam-registry-client/1',
      timeoutMs: deps.timeoutMs ?? 60_000,
      trace: deps.trace,
    });
    this.auth = new Authorizer({
      exchanger: this.exchanger,
      retry: (fn) => this.retry(fn),
      credentialSource: deps.credentials ?? ((registry) => resolveDockerCredentials(registry, { env, exec, log: this.log })),
      now: this.now,
    });
  }

  close(): void {
    this.exchanger.close();
  }

  async ping(registry: string): Promise<URL> {
    return (await this.endpoint(registry)).base;
  }

  retry<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { policy: this.policy, sleep: this.sleep, random: this.random, now: this.now, log: this.log });
  }

  call(c: Call): Promise<HttpResponse> {
    return this.retry(() => this.send(c));
  }

  private endpoint(registry: string): Promise<Endpoint> {
    let p = this.endpoints.get(registry);
    if (!p) {
      p = this.probe(registry);
      this.endpoints.set(registry, p);
      p.catch(() => this.endpoints.delete(registry));
    }
    return p;
  }

  /**
   * Tries HTTPS, then (loopback only) plain HTTP when the port does not speak TLS; records the challenge /v2/
   * answers with. Transient failures (connection refused, 5xx) retry the whole probe.
   */
  private async probe(registry: string): Promise<Endpoint> {
    const host = registryEndpointHost(registry);
    const schemes = schemesFor(host);
    return this.retry(async () => {
      for (const [i, scheme] of schemes.entries()) {
        const base = new URL(`${scheme}://${host}/`);
        let res: HttpResponse;
        try {
          res = await this.exchanger.exchange({ registry }, 'GET /v2/', 'GET', new URL('/v2/', base), {}, undefined, MAX_SMALL_RESPONSE);
        } catch (e) {
          const cause = e instanceof RegistryError ? e.init.cause : e;
          if (i < schemes.length - 1 && (isTlsProtocolMismatch(cause) || (cause as { code?: string } | undefined)?.code === 'ECONNRESET')) continue;
          throw e;
        }
        if (res.status >= 500 || res.status === 429 || res.status === 408) throw errorFromResponse({ registry }, 'GET /v2/', res);
        if (res.status === 401) this.auth.rememberChallenge(registry, pickChallenge(parseWwwAuthenticate(res.headers['www-authenticate'])) ?? null);
        else this.auth.rememberChallenge(registry, null);
        if (res.status !== 200 && res.status !== 401) this.log(`${registry}: GET /v2/ answered ${res.status}; carrying on`);
        if (scheme === 'http') this.log(`${registry}: plain HTTP (loopback registry without TLS)`);
        return { base };
      }
      throw new RegistryError({ registry, operation: 'GET /v2/', detail: 'no scheme to try' });
    });
  }

  /** One attempt of a registry request: authorization, one re-authentication on 401, redirects. No retries. */
  async send(c: Call): Promise<HttpResponse> {
    const { registry } = c.image;
    const ep = await this.endpoint(registry);
    let url = typeof c.target === 'string' ? new URL(c.target, ep.base) : c.target;
    const headers = { ...c.headers };
    const authFor = async (u: URL, fresh: boolean) => (sameOrigin(u, ep.base) ? this.auth.authorization(registry, c.scopes, fresh) : undefined);
    let auth = await authFor(url, false);
    let res = await this.exchanger.exchange(c.image, c.operation, c.method, url, withAuth(headers, auth), c.body, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
    if (res.status === 401 && sameOrigin(url, ep.base)) {
      const challenge = pickChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
      if (challenge) this.auth.rememberChallenge(registry, challenge);
      const scopes = mergeScopes(c.scopes, challengeScopes(challenge));
      const retryAuth = challenge ? await this.auth.authorization(registry, scopes, true) : undefined;
      if (retryAuth !== undefined && retryAuth !== auth) {
        auth = retryAuth;
        res = await this.exchanger.exchange(c.image, c.operation, c.method, url, withAuth(headers, auth), c.body, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
      }
    }
    for (let hops = 0; c.followRedirects && REDIRECTS.has(res.status) && hops < 5; hops++) {
      const location = header(res, 'location');
      if (!location) break;
      url = new URL(location, url);
      res = await this.exchanger.exchange(c.image, c.operation, c.method, url, withAuth(headers, await authFor(url, false)), undefined, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
    }
    if (c.ok.includes(res.status)) return res;
    const { credentials } = res.status === 401 || res.status === 403 ? await this.auth.credentials(registry) : { credentials: undefined };
    throw errorFromResponse(c.image, c.operation, res, credentials, { needed: c.scopes, ...(auth !== undefined ? { authorization: auth } : {}) });
  }
}
