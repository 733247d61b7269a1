import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export type Scheme = 'http' | 'https';

/** Request bodies: a buffer, or a re-openable stream of known size (read again from disk on every attempt). */
export type BodySource = Buffer | { readonly size: number; readonly open: () => Readable };

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: BodySource;
  /** No socket activity for this long aborts the request with ETIMEDOUT (stall detection). */
  readonly timeoutMs: number;
  /** Response bodies larger than this abort the request. */
  readonly maxResponseBytes: number;
  readonly agent: http.Agent;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly url: URL;
}

export const DEFAULT_CERTS_DIR = '/etc/docker/certs.d';

/** Where distributions keep the system CA bundle; the first readable one is used. */
export const SYSTEM_CA_FILES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** localhost, 127.0.0.0/8 and [::1], with or without a port: the only hosts we ever talk plain HTTP to. */
export function isLoopbackHost(hostOrHostPort: string): boolean {
  let host = hostOrHostPort.toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') === -1 ? undefined : host.indexOf(']'));
  else if (/^[^:]+:\d+$/.test(host)) host = host.slice(0, host.lastIndexOf(':'));
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host[:port] we connect to for a registry name: docker.io is served by registry-1.docker.io. */
export function registryEndpointHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/** Schemes to try, in order: HTTPS always first; plain HTTP only as a fallback for loopback registries. */
export function schemesFor(registry: string): readonly Scheme[] {
  return isLoopbackHost(registry) ? ['https', 'http'] : ['https'];
}

/** True for errors meaning "this port does not speak TLS" (an HTTPS request to a plain HTTP server). */
export function isTlsProtocolMismatch(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === 'EPROTO' || e?.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(e?.message ?? '');
}

/** True for certificate verification failures (unknown CA, wrong host name, expired). */
export function isTlsVerificationError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/.test(code);
}

export interface TlsMaterial {
  /** Trusted CAs: Node's bundle + the system bundle + NODE_EXTRA_CA_CERTS + certs.d/<host>/*.crt. */
  readonly ca: string[];
  /** Client certificate/key pairs from certs.d/<host>/*.cert + *.key (first pair wins). */
  readonly cert?: string;
  readonly key?: string;
  /** The certs.d files used, for log lines and error messages. */
  readonly files: readonly string[];
}

export interface TlsDeps {
  readonly certsDir: string;
  readonly systemCaFiles: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** TLS material for host[:port], following Docker's /etc/docker/certs.d/<host[:port]>/ convention. */
export function loadTlsMaterial(hostPort: string, deps: TlsDeps, systemCa: () => string[]): TlsMaterial {
  const dirs = [path.join(deps.certsDir, hostPort)];
  const bare = hostPort.replace(/:443$/, '');
  if (bare !== hostPort) dirs.push(path.join(deps.certsDir, bare));
  const extra: string[] = [];
  const files: string[] = [];
  let cert: string | undefined;
  let key: string | undefined;
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      if (name.endsWith('.crt')) {
        extra.push(readFileSync(file, 'utf8'));
        files.push(file);
      } else if (name.endsWith('.cert') && cert === undefined) {
        const keyFile = path.join(dir, `${name.slice(0, -'.cert'.length)}.key`);
        try {
          key = readFileSync(keyFile, 'utf8');
          cert = readFileSync(file, 'utf8');
          files.push(file, keyFile);
        } catch {
          throw new Error(`client certificate ${file} has no matching key ${keyFile}`);
        }
      }
    }
  }
  return { ca: [...systemCa(), ...extra], ...(cert !== undefined && key !== undefined ? { cert, key } : {}), files };
}

/**
 * TLS material for host[:port], also trusting the certs.d CAs of `alsoTrust` (another host[:port]). Token requests
 * pass the registry's: docker and containerd fetch tokens through the registry's own transport, so a token realm
 * on another host of the same private PKI works with nothing but certs.d/<registry>/ca.crt. The client
 * certificate stays the host's own.
 */
export function loadTlsMaterialTrusting(hostPort: string, alsoTrust: string | undefined, deps: TlsDeps, systemCa: () => string[]): TlsMaterial {
  const own = loadTlsMaterial(hostPort, deps, systemCa);
  if (!alsoTrust || alsoTrust === hostPort) return own;
  const other = loadTlsMaterial(alsoTrust, deps, () => []);
  const otherCaFiles = other.files.filter((f) => f.endsWith('.crt'));
  return { ...own, ca: [...own.ca, ...other.ca], files: [...own.files, ...otherCaFiles] };
}

/** Node's bundled roots + the first readable system bundle + NODE_EXTRA_CA_CERTS (passing `ca` replaces Node's defaults, so we rebuild them). */
export function systemTrust(deps: TlsDeps): string[] {
  const out = [...tls.rootCertificates];
  for (const file of deps.systemCaFiles) {
    try {
      out.push(readFileSync(file, 'utf8'));
      break;
    } catch {
      // next candidate
    }
  }
  const extra = deps.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      out.push(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS
    }
  }
  return out;
}

/** Keep-alive agents per origin, owned by one client instance. */
export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();
  private systemCa: string[] | undefined;
  constructor(private readonly deps: TlsDeps) {}

  /** `alsoTrust`: a host[:port] whose certs.d CAs this origin is trusted with too (see loadTlsMaterialTrusting). */
  agentFor(url: URL, alsoTrust?: string): http.Agent {
    const extra = url.protocol === 'https:' && alsoTrust && alsoTrust !== url.host ? alsoTrust : undefined;
    const key = `${url.protocol}//${url.host}${extra ? ` +${extra}` : ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      if (url.protocol === 'http:') {
        agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      } else {
        const material = loadTlsMaterialTrusting(url.host, extra, this.deps, () => (this.systemCa ??= systemTrust(this.deps)));
        // One secure context per host: passing `ca` per connection would re-parse a few hundred CAs for every socket.
        const secureContext = tls.createSecureContext({ ca: material.ca, ...(material.cert ? { cert: material.cert, key: material.key } : {}) });
        agent = new https.Agent({ keepAlive: true, maxSockets: 8, secureContext });
      }
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** certs.d files that apply to this host (for messages). */
  certsDirFor(host: string): string {
    return path.join(this.deps.certsDir, host);
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

/** One HTTP exchange, no retries, no redirects. Rejects with the raw Node error on connection-level failures. */
export function httpExchange(req: HttpRequest): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      r.destroy();
      reject(e);
    };
    const headers: Record<string, string> = { ...req.headers };
    const body = req.body;
    if (body !== undefined) headers['Content-Length'] = String(Buffer.isBuffer(body) ? body.length : body.size);
    else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') headers['Content-Length'] = '0';
    const mod = req.url.protocol === 'http:' ? http : https;
    const r = mod.request(req.url, { method: req.method, headers, agent: req.agent });
    r.setTimeout(req.timeoutMs, () => {
      fail(Object.assign(new Error(`no activity for ${Math.round(req.timeoutMs / 1000)}s (${req.method} ${req.url.host})`), { code: 'ETIMEDOUT' }));
    });
    r.on('error', fail);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > req.maxResponseBytes) {
          res.destroy();
          fail(Object.assign(new Error(`response larger than ${req.maxResponseBytes} bytes`), { code: 'ERESPONSETOOLARGE' }));
          return;
        }
        chunks.push(c);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url });
      });
    });
    if (body === undefined) r.end();
    else if (Buffer.isBuffer(body)) r.end(body);
    else {
      const src = body.open();
      src.on('error', (e) => {
        fail(e);
      });
      r.on('close', () => {
        if (!src.destroyed) src.destroy();
      });
      src.pipe(r);
    }
  });
}
