import type { Exec } from '../exec.ts';
import { type Digest, isDigest } from '../digest.ts';
import { type ImageName, parseImageName } from '../image.ts';
import { type Platform, platformFromOci } from '../platform.ts';
import {
  type Action,
  type AuthChallenge,
  basicAuthorization,
  buildTokenRequest,
  challengeScopes,
  mergeScopes,
  missingScopes,
  parseTokenResponse,
  parseWwwAuthenticate,
  pickChallenge,
  repositoryScope,
  tokenGrants,
} from './auth.ts';
import { type RegistryCredentials, type ResolvedCredentials, resolveDockerCredentials } from './docker-config.ts';
import { OciLayoutError, RegistryError, parseRegistryErrorBody, summariseRegistryErrors } from './errors.ts';
import { MANIFEST_MEDIA_TYPES, type OciManifestJson, isIndex, manifestMediaType, parseManifestJson, sha256Digest } from '../oci/manifest.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts';
import {
  AgentPool,
  type BodySource,
  DEFAULT_CERTS_DIR,
  type HttpResponse,
  SYSTEM_CA_FILES,
  httpExchange,
  isLoopbackHost,
  isTlsProtocolMismatch,
  isTlsVerificationError,
  registryEndpointHost,
  schemesFor,
} from './transport.ts';
import type { BlobPushOutcome, BlobSource, FetchedManifest, ManifestDescriptor } from './types.ts';

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

export interface TraceEvent {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly error?: string;
  readonly authorization?: 'basic' | 'bearer';
}

interface Endpoint {
  readonly base: URL;
}

interface Call {
  readonly image: { registry: string; repository?: string };
  readonly operation: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the registry's base (e.g. /v2/app/manifests/latest), or an absolute URL (upload Location, Link). */
  readonly target: string | URL;
  readonly scopes: readonly string[];
  readonly headers?: Record<string, string>;
  readonly body?: BodySource;
  /** Statuses that are an answer rather than a failure. */
  readonly ok: readonly number[];
  readonly maxResponseBytes?: number;
  readonly followRedirects?: boolean;
}

const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
const MAX_SMALL_RESPONSE = 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_DETAIL: Record<number, string> = { 401: 'authentication required', 403: 'access denied', 404: 'not found', 429: 'too many requests', 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout' };

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}

function toImage(image: ImageName | string): ImageName {
  return typeof image === 'string' ? parseImageName(image, 'image') : image;
}

const PULL: readonly Action[] = ['pull'];
const PUSH: readonly Action[] = ['pull', 'push'];

/**
 * A distribution-API v2 client for one run of one action. Holds per-instance caches only (endpoints, auth
 * challenges, tokens, credentials, keep-alive agents); call close() when done.
 */
export class RegistryClient {
  private readonly env: NodeJS.ProcessEnv;
  private readonly exec: Exec;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly userAgent: string;
  private readonly credentialSource: (registry: string) => Promise<ResolvedCredentials>;
  private readonly trace: ((event: TraceEvent) => void) | undefined;
  private readonly agents: AgentPool;
  private readonly certsDir: string;

  private readonly endpoints = new Map<string, Promise<Endpoint>>();
  private readonly challenges = new Map<string, AuthChallenge | null>();
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly pendingTokens = new Map<string, Promise<string>>();
  private readonly credentialCache = new Map<string, Promise<ResolvedCredentials>>();
  /** "registry from -> to" pairs whose cross-repository mounts were refused: later blobs go straight to an upload. */
  private readonly refusedMounts = new Set<string>();

  constructor(deps: RegistryClientDeps) {
    this.env = deps.env;
    this.exec = deps.exec;
    this.log = deps.log ?? (() => undefined);
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.timeoutMs = deps.timeoutMs ?? 60_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.userAgent = deps.userAgent ?? 'moam-registry-client/1';
    this.credentialSource = deps.credentials ?? ((registry) => resolveDockerCredentials(registry, { env: this.env, exec: this.exec, log: this.log }));
    this.trace = deps.trace;
    this.certsDir = deps.certsDir ?? DEFAULT_CERTS_DIR;
    this.agents = new AgentPool({ certsDir: this.certsDir, systemCaFiles: deps.systemCaFiles ?? SYSTEM_CA_FILES, env: this.env });
  }

  /** Drops keep-alive connections. */
  close(): void {
    this.agents.close();
  }

  // ---------------------------------------------------------------- public API

  /** GET /v2/: resolves the scheme (HTTPS, plain HTTP only for loopback) and learns the auth challenge. Returns the base URL. */
  async ping(registry: string): Promise<URL> {
    return (await this.endpoint(registry)).base;
  }

  /** GET a manifest by tag or digest; verifies the bytes against the digest. */
  async getManifest(image: ImageName | string, reference: string): Promise<FetchedManifest> {
    const img = toImage(image);
    const op = `GET manifest ${reference}`;
    const res = await this.call({
      image: img,
      operation: op,
      method: 'GET',
      target: `/v2/${img.repository}/manifests/${reference}`,
      scopes: [repositoryScope(img.repository, PULL)],
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
      ok: [200],
      maxResponseBytes: MAX_MANIFEST_BYTES,
      followRedirects: true,
    });
    const bytes = res.body;
    const digest = sha256Digest(bytes);
    const served = header(res, 'docker-content-digest');
    const fail = (detail: string) => new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail });
    if (isDigest(reference) && reference.startsWith('sha256:') && reference !== digest) throw fail(`the registry served content with digest ${digest}, not ${reference}`);
    if (served && served.startsWith('sha256:') && served !== digest) throw fail(`Docker-Content-Digest says ${served} but the content hashes to ${digest}`);
    let json: OciManifestJson;
    try {
      json = parseManifestJson(bytes);
    } catch (e) {
      throw fail(`the manifest is not usable: ${(e as Error).message}`);
    }
    const contentType = (header(res, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
    const mediaType = json.mediaType || (MANIFEST_MEDIA_TYPES.includes(contentType) ? contentType : manifestMediaType(json));
    return { digest, mediaType, size: bytes.length, bytes, json };
  }

  /** HEAD a manifest: its descriptor, or undefined when the registry says 404. */
  async headManifest(image: ImageName | string, reference: string): Promise<ManifestDescriptor | undefined> {
    const img = toImage(image);
    const res = await this.call({
      image: img,
      operation: `HEAD manifest ${reference}`,
      method: 'HEAD',
      target: `/v2/${img.repository}/manifests/${reference}`,
      scopes: [repositoryScope(img.repository, PULL)],
      headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') },
      ok: [200, 404],
      followRedirects: true,
    });
    if (res.status === 404) return undefined;
    const served = header(res, 'docker-content-digest');
    const mediaType = (header(res, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
    const size = Number(header(res, 'content-length'));
    if (served && isDigest(served) && mediaType && Number.isSafeInteger(size)) return { digest: served, mediaType, size };
    // Some registries leave headers out of HEAD answers: fall back to GET.
    const m = await this.getManifest(img, reference);
    return { digest: m.digest, mediaType: m.mediaType, size: m.size };
  }

  async manifestExists(image: ImageName | string, reference: string): Promise<boolean> {
    return (await this.headManifest(image, reference)) !== undefined;
  }

  /**
   * PUT a manifest under a digest or a tag with Content-Type = its media type. Checks the digest the registry reports.
   * Returns the manifest's digest.
   */
  async putManifest(image: ImageName | string, reference: string, bytes: Buffer, mediaType: string): Promise<Digest> {
    const img = toImage(image);
    const digest = sha256Digest(bytes);
    const op = `PUT manifest ${reference}`;
    if (isDigest(reference) && reference !== digest) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the manifest's bytes hash to ${digest}, not ${reference}` });
    }
    let res: HttpResponse;
    try {
      res = await this.call({
        image: img,
        operation: op,
        method: 'PUT',
        target: `/v2/${img.repository}/manifests/${reference}`,
        scopes: [repositoryScope(img.repository, PUSH)],
        headers: { 'Content-Type': mediaType },
        body: bytes,
        ok: [200, 201, 202],
        maxResponseBytes: MAX_SMALL_RESPONSE,
      });
    } catch (e) {
      // distribution answers a Content-Type that disagrees with the mediaType field with a bare MANIFEST_INVALID.
      if (e instanceof RegistryError && e.code === 'MANIFEST_INVALID') {
        throw new RegistryError({ ...e.init, detail: `${e.detail ?? 'manifest invalid'}; sent as Content-Type ${mediaType}`, cause: e });
      }
      throw e;
    }
    const served = header(res, 'docker-content-digest');
    if (served && served.startsWith('sha256:') && served !== digest) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the registry stored it as ${served}, but the bytes hash to ${digest}` });
    }
    return digest;
  }

  /** HEAD a blob. */
  async blobExists(image: ImageName | string, digest: Digest): Promise<boolean> {
    const img = toImage(image);
    const res = await this.call({
      image: img,
      operation: `HEAD blob ${digest}`,
      method: 'HEAD',
      target: `/v2/${img.repository}/blobs/${digest}`,
      scopes: [repositoryScope(img.repository, PULL)],
      ok: [200, 404],
      followRedirects: true,
    });
    return res.status === 200;
  }

  /**
   * Fails unless the credentials may push to the repository: for a check before work that needs it (a build that
   * takes minutes). A HEAD only needs pull, and a token service answers a request for pull,push with whatever
   * subset it allows, without an error; so this does what needs push and undoes it: start a blob upload (POST,
   * which needs pull and push) and cancel it (DELETE of the upload's Location), as go-containerregistry's
   * remote.CheckPushPermission does. Every registry has the upload API; nothing is pushed, and an upload left
   * behind when the cancel fails is discarded by the registry's upload purging. The error for a refusal names the
   * registry, the repository and the scope the token lacks.
   */
  async checkPushAccess(image: ImageName | string): Promise<void> {
    const img = toImage(image);
    const pushScope = repositoryScope(img.repository, PUSH);
    const res = await this.call({
      image: img,
      operation: 'check push access (start a blob upload)',
      method: 'POST',
      target: `/v2/${img.repository}/blobs/uploads/`,
      scopes: [pushScope],
      ok: [202],
      maxResponseBytes: MAX_SMALL_RESPONSE,
    });
    const location = header(res, 'location');
    if (!location) return;
    try {
      await this.send({
        image: img,
        operation: 'cancel the upload of the push access check',
        method: 'DELETE',
        target: new URL(location, res.url),
        scopes: [pushScope],
        // 404/405: the registry already dropped it, or cannot cancel uploads; 401/403: cancelling needs a scope these
        // credentials lack (distribution wants delete for any DELETE). Nothing was pushed either way.
        ok: [200, 202, 204, 401, 403, 404, 405],
        maxResponseBytes: MAX_SMALL_RESPONSE,
      });
    } catch (e) {
      this.log(`${img.registry}/${img.repository}: could not cancel the upload of the push access check (${(e as Error).message}); the registry discards it later`);
    }
  }

  /** GET a blob into memory (configs, attestations; not for big layers); verifies its sha256. */
  async getBlob(image: ImageName | string, digest: Digest, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    const img = toImage(image);
    const op = `GET blob ${digest}`;
    const res = await this.call({
      image: img,
      operation: op,
      method: 'GET',
      target: `/v2/${img.repository}/blobs/${digest}`,
      scopes: [repositoryScope(img.repository, PULL)],
      ok: [200],
      maxResponseBytes: maxBytes,
      followRedirects: true,
    });
    if (digest.startsWith('sha256:') && sha256Digest(res.body) !== digest) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the content hashes to ${sha256Digest(res.body)}` });
    }
    return res.body;
  }

  /**
   * Uploads a blob unless the repository has it: HEAD, then (optionally) a cross-repository mount from `mountFrom`
   * on the same registry, else POST + monolithic PUT. The whole upload is retried as a unit, re-reading the content.
   */
  async pushBlob(image: ImageName | string, blob: BlobSource, options: { mountFrom?: ImageName } = {}): Promise<BlobPushOutcome> {
    const img = toImage(image);
    if (await this.blobExists(img, blob.digest)) return 'exists';
    return this.uploadBlob(img, blob, options);
  }

  /** The upload part of pushBlob, without the HEAD. */
  async uploadBlob(image: ImageName | string, blob: BlobSource, options: { mountFrom?: ImageName } = {}): Promise<'mounted' | 'uploaded'> {
    const img = toImage(image);
    const from = options.mountFrom && options.mountFrom.registry === img.registry && options.mountFrom.repository !== img.repository ? options.mountFrom : undefined;
    const body: BodySource = Buffer.isBuffer(blob.content) ? blob.content : { size: blob.size, open: blob.content };
    return withRetry(async () => {
      const pushScope = repositoryScope(img.repository, PUSH);
      const startUpload = () =>
        this.send({
          image: img,
          operation: `start upload of blob ${blob.digest}`,
          method: 'POST',
          target: `/v2/${img.repository}/blobs/uploads/`,
          scopes: [pushScope],
          ok: [202],
          maxResponseBytes: MAX_SMALL_RESPONSE,
        });
      const mountKey = from ? `${img.registry} ${from.repository} -> ${img.repository}` : '';
      let start: HttpResponse;
      if (from && !this.refusedMounts.has(mountKey)) {
        const q = new URLSearchParams({ mount: blob.digest, from: from.repository });
        const mountOp = `mount blob ${blob.digest} from ${from.repository}`;
        try {
          start = await this.send({
            image: img,
            operation: mountOp,
            method: 'POST',
            target: `/v2/${img.repository}/blobs/uploads/?${q.toString()}`,
            scopes: mergeScopes([pushScope, repositoryScope(from.repository, PULL)]),
            ok: [201, 202],
            maxResponseBytes: MAX_SMALL_RESPONSE,
          });
        } catch (e) {
          // A mount also needs pull on the source repository (distribution checks it before the upload handler),
          // and token services grant only what the credentials allow, so the mount is refused: 401
          // insufficient_scope (distribution, Docker Hub) or 403 DENIED. The blob can still be uploaded, as
          // containerd does after a refused mount. Only the registry's answer to the mount counts: the token
          // endpoint refusing the credentials is no refusal of the mount.
          if (!(e instanceof RegistryError) || e.operation !== mountOp || (e.status !== 401 && e.status !== 403)) throw e;
          this.refusedMounts.add(mountKey);
          this.log(`${img.registry}: mounting blobs from ${from.repository} into ${img.repository} was refused (${e.status}${e.code ? ` ${e.code}` : ''}); uploading them instead`);
          start = await startUpload();
        }
        if (start.status === 201) return 'mounted';
      } else {
        start = await startUpload();
      }
      const location = header(start, 'location');
      if (!location) {
        throw new RegistryError({ registry: img.registry, repository: img.repository, operation: `start upload of blob ${blob.digest}`, status: start.status, detail: 'the registry sent no Location header' });
      }
      const url = new URL(location, start.url);
      url.searchParams.set('digest', blob.digest);
      const op = `PUT blob ${blob.digest}`;
      const done = await this.send({
        image: img,
        operation: op,
        method: 'PUT',
        target: url,
        scopes: [pushScope],
        headers: { 'Content-Type': 'application/octet-stream' },
        body,
        ok: [201, 204],
        maxResponseBytes: MAX_SMALL_RESPONSE,
      });
      const served = header(done, 'docker-content-digest');
      if (served && served !== blob.digest) {
        throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `the registry stored it as ${served}` });
      }
      return 'uploaded';
    }, this.retryDeps());
  }

  /** All tags, following Link pagination. A repository the registry does not know (404 NAME_UNKNOWN) has none. */
  async listTags(image: ImageName | string): Promise<string[]> {
    const img = toImage(image);
    const tags: string[] = [];
    const seen = new Set<string>();
    let target: string | URL = `/v2/${img.repository}/tags/list`;
    for (let page = 0; page < 10_000; page++) {
      const res = await this.call({
        image: img,
        operation: 'GET tags/list',
        method: 'GET',
        target,
        scopes: [repositoryScope(img.repository, PULL)],
        ok: [200, 404],
        maxResponseBytes: 32 * 1024 * 1024,
        followRedirects: true,
      });
      if (res.status === 404) {
        const { code } = summariseRegistryErrors(parseRegistryErrorBody(res.body));
        if (code === undefined || code === 'NAME_UNKNOWN') return tags;
        throw this.errorFromResponse(img, 'GET tags/list', res);
      }
      let json: { tags?: unknown };
      try {
        json = JSON.parse(res.body.toString('utf8')) as typeof json;
      } catch {
        throw new RegistryError({ registry: img.registry, repository: img.repository, operation: 'GET tags/list', detail: 'the answer is not JSON' });
      }
      if (Array.isArray(json.tags)) for (const t of json.tags) if (typeof t === 'string') tags.push(t);
      const next = nextLink(header(res, 'link'));
      if (!next) return tags;
      const url = new URL(next, res.url);
      if (seen.has(url.href)) return tags;
      seen.add(url.href);
      target = url;
    }
    return tags;
  }

  /** The platform of an image manifest, read from its config blob (normalised like platformFromOci). */
  async platformOf(image: ImageName | string, digest: Digest): Promise<Platform> {
    const img = toImage(image);
    const m = await this.getManifest(img, digest);
    const op = `read platform of ${digest}`;
    if (isIndex(m.json, m.mediaType) || !m.json.config) {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `${m.mediaType} is not an image manifest; pick one of its manifests' digests` });
    }
    const config = await this.getBlob(img, m.json.config.digest, 16 * 1024 * 1024);
    let json: { os?: unknown; architecture?: unknown; variant?: unknown };
    try {
      json = JSON.parse(config.toString('utf8')) as typeof json;
    } catch {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `config blob ${m.json.config.digest} is not JSON` });
    }
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const p = platformFromOci({ os: str(json.os), architecture: str(json.architecture), variant: str(json.variant) });
    if (!p) throw new RegistryError({ registry: img.registry, repository: img.repository, operation: op, detail: `config blob ${m.json.config.digest} has no os/architecture` });
    return p;
  }

  // ---------------------------------------------------------------- internals

  private retryDeps() {
    return { policy: this.policy, sleep: this.sleep, random: this.random, now: this.now, log: this.log };
  }

  /** One logical request with retries. */
  private call(c: Call): Promise<HttpResponse> {
    return withRetry(() => this.send(c), this.retryDeps());
  }

  private credentials(registry: string): Promise<ResolvedCredentials> {
    let p = this.credentialCache.get(registry);
    if (!p) {
      p = this.credentialSource(registry);
      this.credentialCache.set(registry, p);
      p.catch(() => this.credentialCache.delete(registry));
    }
    return p;
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
    return withRetry(async () => {
      for (const [i, scheme] of schemes.entries()) {
        const base = new URL(`${scheme}://${host}/`);
        let res: HttpResponse;
        try {
          res = await this.exchange({ registry }, 'GET /v2/', 'GET', new URL('/v2/', base), {}, undefined, MAX_SMALL_RESPONSE);
        } catch (e) {
          const cause = e instanceof RegistryError ? e.init.cause : e;
          if (i < schemes.length - 1 && (isTlsProtocolMismatch(cause) || (cause as { code?: string } | undefined)?.code === 'ECONNRESET')) continue;
          throw e;
        }
        if (res.status >= 500 || res.status === 429 || res.status === 408) throw this.errorFromResponse({ registry }, 'GET /v2/', res);
        if (res.status === 401) this.challenges.set(registry, pickChallenge(parseWwwAuthenticate(res.headers['www-authenticate'])) ?? null);
        else this.challenges.set(registry, null);
        if (res.status !== 200 && res.status !== 401) this.log(`${registry}: GET /v2/ answered ${res.status}; carrying on`);
        if (scheme === 'http') this.log(`${registry}: plain HTTP (loopback registry without TLS)`);
        return { base };
      }
      throw new RegistryError({ registry, operation: 'GET /v2/', detail: 'no scheme to try' });
    }, this.retryDeps());
  }

  /** Authorization header for these scopes from what we know about the registry's challenge. */
  private async authorization(registry: string, scopes: readonly string[], fresh: boolean): Promise<string | undefined> {
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
    if (cached && !fresh && cached.expiresAt > this.now()) return cached.token;
    // Concurrent requests for the same scopes (parallel blob uploads) share one token request.
    const pending = this.pendingTokens.get(key);
    if (pending && !fresh) return pending;
    const p = this.fetchToken(registry, challenge, merged, credentials).then((t) => {
      this.tokens.set(key, { token: t.token, expiresAt: this.now() + Math.max(10, t.expiresInS - 10) * 1000 });
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
    const res = await withRetry(async () => {
      // The realm is trusted with the registry's certs.d CAs too, as docker and containerd do (one transport for both).
      const r = await this.exchange({ registry }, op, req.method, req.url, req.headers, req.body, MAX_SMALL_RESPONSE, registryEndpointHost(registry));
      if (r.status !== 200) throw this.errorFromResponse({ registry }, op, r, credentials);
      return r;
    }, this.retryDeps());
    const parsed = parseTokenResponse(res.body);
    if (!parsed) throw new RegistryError({ registry, operation: op, status: res.status, detail: 'the answer has neither "token" nor "access_token"' });
    return parsed;
  }

  /** One attempt of a registry request: authorization, one re-authentication on 401, redirects. No retries. */
  private async send(c: Call): Promise<HttpResponse> {
    const { registry } = c.image;
    const ep = await this.endpoint(registry);
    let url = typeof c.target === 'string' ? new URL(c.target, ep.base) : c.target;
    const headers = { ...c.headers };
    const authFor = async (u: URL, fresh: boolean) => (sameOrigin(u, ep.base) ? this.authorization(registry, c.scopes, fresh) : undefined);
    let auth = await authFor(url, false);
    let res = await this.exchange(c.image, c.operation, c.method, url, withAuth(headers, auth), c.body, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
    if (res.status === 401 && sameOrigin(url, ep.base)) {
      const challenge = pickChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
      if (challenge) this.challenges.set(registry, challenge);
      const scopes = mergeScopes(c.scopes, challengeScopes(challenge));
      const retryAuth = challenge ? await this.authorization(registry, scopes, true) : undefined;
      if (retryAuth !== undefined && retryAuth !== auth) {
        auth = retryAuth;
        res = await this.exchange(c.image, c.operation, c.method, url, withAuth(headers, auth), c.body, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
      }
    }
    for (let hops = 0; c.followRedirects && REDIRECTS.has(res.status) && hops < 5; hops++) {
      const location = header(res, 'location');
      if (!location) break;
      url = new URL(location, url);
      res = await this.exchange(c.image, c.operation, c.method, url, withAuth(headers, await authFor(url, false)), undefined, c.maxResponseBytes ?? MAX_SMALL_RESPONSE);
    }
    if (c.ok.includes(res.status)) return res;
    const { credentials } = res.status === 401 || res.status === 403 ? await this.credentials(registry) : { credentials: undefined };
    throw this.errorFromResponse(c.image, c.operation, res, credentials, { needed: c.scopes, ...(auth !== undefined ? { authorization: auth } : {}) });
  }

  /** One HTTP exchange; connection failures become RegistryErrors (retryable or not). */
  private async exchange(
    image: { registry: string; repository?: string },
    operation: string,
    method: Call['method'],
    url: URL,
    headers: Record<string, string>,
    body: BodySource | undefined,
    maxResponseBytes: number,
    alsoTrust?: string,
  ): Promise<HttpResponse> {
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host))) {
      throw new RegistryError({ ...where(image), operation, detail: `refusing plain HTTP to ${url.host}: only localhost registries are spoken to without TLS` });
    }
    const authorization = headers.Authorization?.startsWith('Basic ') ? 'basic' : headers.Authorization?.startsWith('Bearer ') ? 'bearer' : undefined;
    try {
      const res = await httpExchange({
        method,
        url,
        headers: { 'User-Agent': this.userAgent, ...headers },
        ...(body !== undefined ? { body } : {}),
        timeoutMs: this.timeoutMs,
        maxResponseBytes,
        agent: this.agents.agentFor(url, alsoTrust),
      });
      this.trace?.({ method, url: url.href, status: res.status, ...(authorization ? { authorization } : {}) });
      return res;
    } catch (e) {
      this.trace?.({ method, url: url.href, error: (e as Error).message, ...(authorization ? { authorization } : {}) });
      if (e instanceof RegistryError || !(e instanceof Error) || e instanceof OciLayoutError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const tlsBad = isTlsVerificationError(e);
      throw new RegistryError({
        ...where(image),
        operation,
        ...(code ? { code } : {}),
        detail: `${e.message.trim()}; ${method} ${url.origin}${url.pathname}`,
        ...(tlsBad
          ? { fix: `trust the registry's CA: put it in ${this.agents.certsDirFor(alsoTrust ?? url.host)}/ca.crt (Docker's convention) or the system trust store` }
          : code === 'ENOTFOUND'
            ? { fix: `check the registry name "${image.registry}"` }
            : {}),
        cause: e,
      });
    }
  }

  /**
   * `sent`: the scopes the request needed and the Authorization it carried, so that a refusal can say which scope
   * the token lacked (the challenge's scope when the registry names it, else what we asked for) and, when the
   * token is a JWT with an access claim, what it did grant.
   */
  private errorFromResponse(
    image: { registry: string; repository?: string },
    operation: string,
    res: HttpResponse,
    credentials?: RegistryCredentials,
    sent?: { needed: readonly string[]; authorization?: string },
  ): RegistryError {
    const { code, detail } = summariseRegistryErrors(parseRegistryErrorBody(res.body));
    const retryAfter = header(res, 'retry-after');
    let fix: string | undefined;
    if (res.status === 401 || res.status === 403) {
      const r = image.registry;
      const insufficient = parseWwwAuthenticate(res.headers['www-authenticate']).find((c) => c.params.error === 'insufficient_scope');
      const bearer = sent?.authorization?.startsWith('Bearer ') ? sent.authorization.slice('Bearer '.length) : undefined;
      const granted = bearer !== undefined ? tokenGrants(bearer) : undefined;
      const needed = insufficient && challengeScopes(insufficient).length > 0 ? challengeScopes(insufficient) : (sent?.needed ?? []);
      const missing = missingScopes(needed, granted);
      const grantedHere = granted?.filter((g) => missing.some((m) => m.slice(0, m.lastIndexOf(':')) === g.slice(0, g.lastIndexOf(':'))));
      const scopeNote =
        granted && grantedHere && missing.length > 0
          ? `: the token lacks ${missing.join(' ')} (it grants ${grantedHere.length > 0 ? grantedHere.join(' ') : 'nothing there'})`
          : insufficient && needed.length > 0
            ? `: the request needs ${mergeScopes(needed).join(' ')} (insufficient_scope)`
            : '';
      fix = credentials
        ? res.status === 401 && !insufficient
          ? `the credentials for ${r} (from ${credentials.source}) were rejected; check the username and password/token, then log in again (docker login ${r}, or docker/login-action with registry: ${r})`
          : `the credentials for ${r} (from ${credentials.source}) are not allowed to do this${image.repository ? ` on ${image.repository}` : ''}${scopeNote}; check the account's or token's permissions (e.g. packages: write for ghcr.io)`
        : `no credentials for ${r} were found in the docker config; run "docker login ${r}" (or docker/login-action with registry: ${r}) before this step`;
    }
    return new RegistryError({
      ...where(image),
      operation,
      status: res.status,
      ...(code ? { code } : res.status === 401 ? { code: 'UNAUTHORIZED' } : res.status === 403 ? { code: 'DENIED' } : {}),
      detail: detail ?? DEFAULT_DETAIL[res.status] ?? `HTTP ${res.status}`,
      ...(fix ? { fix } : {}),
      ...(retryAfter ? { retryAfter } : {}),
    });
  }
}

function where(image: { registry: string; repository?: string }): { registry: string; repository?: string } {
  return image.repository ? { registry: image.registry, repository: image.repository } : { registry: image.registry };
}

function withAuth(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  return authorization ? { ...headers, Authorization: authorization } : headers;
}

/** The rel="next" target of a Link header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>(.*)/.exec(part.trim());
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

export function createRegistryClient(deps: RegistryClientDeps): RegistryClient {
  return new RegistryClient(deps);
}

