// A loopback HTTP proxy in front of a plain-HTTP registry that injects faults on a deterministic schedule
// (test support only, never bundled). It forwards requests with bodies streamed both ways, rewrites the registry's
// absolute Location URLs to its own host so uploads keep going through it, and records every request and every
// injected fault for assertions.
//
//   const proxy = await startFaultProxy({ upstream: 'http://localhost:5000' });
//   proxy.setRules([{ name: 'head-blob-503', method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 503 }, schedule: { first: 2, perPath: true } }]);
//   ... push to `${proxy.host}/repo` (localhost:<port>: plain HTTP for our client and for buildx) ...
//   expect(proxy.faultsFor('head-blob-503').length).toBeGreaterThan(0);
//   await proxy.close();
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What to do instead of (or to) a forwarded answer. */
export type FaultSpec =
  /** Answer with this status (the request body is drained first); 429/503 may carry Retry-After (seconds or HTTP date). */
  | { kind: 'status'; status: number; retryAfter?: number | string; body?: string | Record<string, unknown>; headers?: Record<string, string> }
  /**
   * Forward, then cut the connection after `afterBytes` bytes of the response body (default: half of it). A response
   * without a body (HEAD, 201, 202) is cut before its status line: the client sees the connection reset.
   */
  | { kind: 'reset'; afterBytes?: number }
  /** Accept the request and never answer until the client gives up, `releaseStalls()` is called, or `maxMs` pass (default 30 s): then the socket is destroyed. */
  | { kind: 'stall'; maxMs?: number }
  /**
   * Forward after `ms`, and pass the answer on after `responseMs` more (default 0): a slow network (a runner far from
   * its registry) or, with a long delay, a request that lands after a concurrent one.
   */
  | { kind: 'delay'; ms: number; responseMs?: number };

/**
 * Which matching requests get the fault. Counting is per rule (or per rule and path when `perPath`), 1-based, in the
 * order requests arrive; `limit` caps the injections of the rule (per path when `perPath`).
 */
export type Schedule =
  | { always: true; limit?: number; perPath?: boolean }
  /** The first K matching requests. */
  | { first: number; perPath?: boolean }
  /** Every Nth matching request (N, 2N, …), optionally starting with the `offset`-th (1-based) instead. */
  | { every: number; offset?: number; limit?: number; perPath?: boolean }
  /** Exactly these (1-based) matching requests. */
  | { nth: readonly number[]; perPath?: boolean }
  /** Each matching request with probability `rate`, drawn from a PRNG seeded with `seed` (reproducible for one arrival order). */
  | { rate: number; seed: number; limit?: number; perPath?: boolean };

export interface FaultRule {
  /** Names the rule in records and assertions. */
  readonly name: string;
  /** HTTP method(s) to match; any when absent. */
  readonly method?: string | readonly string[];
  /** Matched against the request path including the query string (e.g. /v2/app/blobs/uploads/?mount=…). */
  readonly path: RegExp;
  /** Matched against the User-Agent header (e.g. /^moam-registry-client/ for our client, /^(?!moam-)/ for everything else). */
  readonly userAgent?: RegExp;
  readonly fault: FaultSpec;
  /** Default: always. */
  readonly schedule?: Schedule;
}

export interface ProxiedRequest {
  /** 1-based arrival number. */
  readonly seq: number;
  readonly method: string;
  /** Path with query string, as the client sent it. */
  readonly path: string;
  readonly userAgent: string;
  readonly startedAt: number;
  endedAt?: number;
  /** Status the client received (undefined when the connection was reset or stalled). */
  status?: number;
  /** Status the registry answered (undefined when the request was not forwarded). */
  upstreamStatus?: number;
  /** The rule whose fault this request got. */
  fault?: { rule: string; kind: FaultSpec['kind']; status?: number };
  /** Request body bytes seen. */
  bytesIn: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
  /** How it ended when not with a complete answer: "reset", "stall released", "client closed", an upstream error… */
  outcome?: string;
}

export interface InjectedFault {
  readonly seq: number;
  readonly rule: string;
  readonly kind: FaultSpec['kind'];
  readonly status?: number;
  readonly method: string;
  readonly path: string;
  readonly at: number;
}

export interface FaultProxyOptions {
  /** The registry: plain HTTP. Default http://localhost:5000. */
  readonly upstream?: string;
  readonly rules?: readonly FaultRule[];
  /** Upper bound of any stall (default 30 s). */
  readonly maxStallMs?: number;
}

export interface FaultProxy {
  /** http://localhost:<port> */
  readonly url: string;
  /** localhost:<port>: the registry name to use in image references. */
  readonly host: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  /** Every injected fault so far. */
  readonly faults: readonly InjectedFault[];
  /** Requests currently being handled (forwarding or stalled). */
  readonly inFlight: number;
  /** Replaces the rules and restarts their schedules' counting (records are kept). */
  setRules(rules: readonly FaultRule[]): void;
  /** Clears the records (rules and their counters are kept). */
  clearRecords(): void;
  /** Requests matching method and path. */
  count(method: string | undefined, path: RegExp): number;
  /** Faults injected by one rule (or, with a RegExp, by every rule whose name matches). */
  faultsFor(rule: string | RegExp): InjectedFault[];
  /** Resolves with the first request (already seen or yet to come) for which pred holds; rejects after timeoutMs. */
  waitFor(pred: (r: ProxiedRequest) => boolean, timeoutMs?: number): Promise<ProxiedRequest>;
  /** Destroys every stalled connection now. Returns how many there were. */
  releaseStalls(): number;
  /** Resolves once nothing is in flight for quietMs (or rejects after timeoutMs). */
  settle(quietMs?: number, timeoutMs?: number): Promise<void>;
  /** Stops listening, destroys every connection (stalls included). Idempotent. */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** mulberry32: a tiny seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleState {
  readonly rule: FaultRule;
  readonly seen: Map<string, number>;
  readonly injected: Map<string, number>;
  readonly random?: () => number;
}

function methodMatches(rule: FaultRule, method: string): boolean {
  if (rule.method === undefined) return true;
  const list = typeof rule.method === 'string' ? [rule.method] : rule.method;
  return list.some((m) => m.toUpperCase() === method.toUpperCase());
}

/** Decides, and counts, whether this matching request gets the rule's fault. */
function decide(state: RuleState, path: string): boolean {
  const s: Schedule = state.rule.schedule ?? { always: true };
  const key = s.perPath ? path.split('?')[0] ?? path : '';
  const n = (state.seen.get(key) ?? 0) + 1;
  state.seen.set(key, n);
  const injected = state.injected.get(key) ?? 0;
  let hit: boolean;
  let limit = Infinity;
  if ('first' in s) hit = n <= s.first;
  else if ('nth' in s) hit = s.nth.includes(n);
  else if ('every' in s) {
    const offset = s.offset ?? s.every;
    hit = n >= offset && (n - offset) % s.every === 0;
    limit = s.limit ?? Infinity;
  } else if ('rate' in s) {
    hit = (state.random as () => number)() < s.rate;
    limit = s.limit ?? Infinity;
  } else {
    hit = true;
    limit = s.limit ?? Infinity;
  }
  if (hit && injected >= limit) hit = false;
  if (hit) state.injected.set(key, injected + 1);
  return hit;
}

function ruleStates(rules: readonly FaultRule[]): RuleState[] {
  return rules.map((rule) => {
    const s = rule.schedule;
    return { rule, seen: new Map(), injected: new Map(), ...(s && 'rate' in s ? { random: seededRandom(s.seed) } : {}) };
  });
}

function sameLoopbackHost(a: string, b: URL): boolean {
  const norm = (h: string) => h.replace(/^(localhost|127\.0\.0\.1|\[::1\])(?=:|$)/i, 'loopback');
  return norm(a.toLowerCase()) === norm(b.host.toLowerCase());
}

/** Starts the proxy on 127.0.0.1, port 0. Clients use localhost:<port>. */
export async function startFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(options.upstream ?? 'http://localhost:5000');
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy: upstream ${upstream.href} must be plain HTTP`);
  const maxStallMs = options.maxStallMs ?? 30_000;
  // A fresh upstream connection per request: a reused keep-alive socket the registry has just closed would surface as
  // a fault nobody asked for ("socket hang up").
  const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
  const requests: ProxiedRequest[] = [];
  const faults: InjectedFault[] = [];
  const stalls = new Set<{ socket: Socket; timer: NodeJS.Timeout; record: ProxiedRequest }>();
  const sockets = new Set<Socket>();
  const waiters = new Set<{ pred: (r: ProxiedRequest) => boolean; resolve: (r: ProxiedRequest) => void }>();
  let states = ruleStates(options.rules ?? []);
  let seq = 0;
  let inFlight = 0;
  let closed = false;
  let port = 0;

  const notify = (r: ProxiedRequest) => {
    for (const w of [...waiters]) {
      if (w.pred(r)) {
        waiters.delete(w);
        w.resolve(r);
      }
    }
  };

  const rewriteLocation = (value: string, clientHost: string): string => {
    let loc: URL;
    try {
      loc = new URL(value);
    } catch {
      return value; // relative: already goes through us
    }
    if (loc.protocol !== 'http:' || !sameLoopbackHost(loc.host, upstream)) return value;
    return `http://${clientHost}${loc.pathname}${loc.search}${loc.hash}`;
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const userAgent = req.headers['user-agent'] ?? '';
    const record: ProxiedRequest = { seq: ++seq, method, path, userAgent, startedAt: Date.now(), bytesIn: 0, bytesOut: 0 };
    requests.push(record);
    inFlight++;
    let done = false;
    const finish = (outcome?: string) => {
      if (done) return;
      done = true;
      inFlight--;
      record.endedAt = Date.now();
      if (outcome && !record.outcome) record.outcome = outcome;
      notify(record);
    };
    req.on('data', (c: Buffer) => {
      record.bytesIn += c.length;
    });
    res.on('finish', () => finish());
    res.on('close', () => finish(res.writableFinished ? undefined : record.fault?.kind === 'stall' ? 'stalled until the client closed' : 'client closed'));

    // Every rule that matches counts the request; the first that decides to inject wins.
    let chosen: FaultRule | undefined;
    for (const st of states) {
      if (!methodMatches(st.rule, method) || !st.rule.path.test(path) || (st.rule.userAgent && !st.rule.userAgent.test(userAgent))) continue;
      if (decide(st, path) && !chosen) chosen = st.rule;
    }
    const fault = chosen?.fault;
    if (chosen && fault) {
      record.fault = { rule: chosen.name, kind: fault.kind, ...(fault.kind === 'status' ? { status: fault.status } : {}) };
      faults.push({ seq: record.seq, rule: chosen.name, kind: fault.kind, ...(fault.kind === 'status' ? { status: fault.status } : {}), method, path, at: Date.now() });
    }

    if (fault?.kind === 'status') {
      const answer = () => {
        const body = fault.body === undefined ? '' : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
        const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)), ...(body && typeof fault.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        record.status = fault.status;
        res.writeHead(fault.status, headers);
        res.end(method === 'HEAD' ? undefined : body);
        record.bytesOut = method === 'HEAD' ? 0 : Buffer.byteLength(body);
      };
      if (req.complete) answer();
      else {
        req.on('end', answer);
        req.on('error', () => finish('client error'));
        req.resume();
      }
      return;
    }

    if (fault?.kind === 'stall') {
      req.resume();
      const socket = req.socket;
      const entry = {
        socket,
        record,
        timer: setTimeout(() => {
          stalls.delete(entry);
          record.outcome ??= `stall bounded after ${fault.maxMs ?? maxStallMs} ms`;
          socket.destroy();
          finish();
        }, Math.min(fault.maxMs ?? maxStallMs, maxStallMs)),
      };
      stalls.add(entry);
      socket.once('close', () => {
        clearTimeout(entry.timer);
        stalls.delete(entry);
        record.outcome ??= 'stalled until the client closed';
        finish();
      });
      notify(record); // waitFor() on stalled requests resolves now
      return;
    }

    // The body flows (bytesIn counts it) while the request waits: keep it for the upstream request.
    const early: Buffer[] = [];
    if (fault?.kind === 'delay') {
      req.on('data', (c: Buffer) => early.push(c));
      setTimeout(forward, fault.ms);
      notify(record); // waitFor() sees a delayed request when it arrives, like a stalled one
      return;
    }
    forward();

    function forward(): void {
      const headers: http.OutgoingHttpHeaders = {};
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = (req.rawHeaders[i] as string).toLowerCase();
        const value = req.rawHeaders[i + 1] as string;
        if (HOP_BY_HOP.has(name) || name === 'host') continue;
        const prev = headers[name];
        headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
      }
      headers.host = upstream.host;
      const clientHost = req.headers.host ?? `localhost:${port}`;
      const up = http.request({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method, path, headers, agent });
      up.on('error', (e) => {
        if (!res.headersSent) {
          record.status = 502;
          record.outcome = `upstream error: ${e.message}`;
          const body = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `fault proxy: upstream error: ${e.message}` }] });
          res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        } else {
          record.outcome = `upstream error mid-body: ${e.message}`;
          res.destroy();
        }
      });
      req.on('error', () => up.destroy());
      res.on('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      if (fault?.kind === 'delay') {
        req.removeAllListeners('data');
        req.on('data', (c: Buffer) => (record.bytesIn += c.length));
        for (const c of early) up.write(c);
        if (req.complete) up.end();
        else req.pipe(up);
      } else req.pipe(up);
      up.on('response', (ur) => (fault?.kind === 'delay' && fault.responseMs ? setTimeout(() => answer(ur), fault.responseMs) : answer(ur)));
      function answer(ur: http.IncomingMessage): void {
        record.upstreamStatus = ur.statusCode;
        const out: Array<[string, string]> = [];
        for (let i = 0; i + 1 < ur.rawHeaders.length; i += 2) {
          const name = ur.rawHeaders[i] as string;
          const value = ur.rawHeaders[i + 1] as string;
          if (HOP_BY_HOP.has(name.toLowerCase())) continue;
          out.push([name, name.toLowerCase() === 'location' ? rewriteLocation(value, clientHost) : value]);
        }
        const status = ur.statusCode ?? 502;
        const declared = Number(ur.headers['content-length'] ?? NaN);
        if (fault?.kind === 'reset') {
          const hasBody = method !== 'HEAD' && Number.isFinite(declared) && declared > 0;
          if (!hasBody) {
            ur.resume();
            record.outcome = 'reset before the response';
            req.socket.destroy();
            return;
          }
          const cut = Math.max(1, Math.min(declared - 1, fault.afterBytes ?? Math.floor(declared / 2)));
          res.writeHead(status, out.flat());
          record.status = status;
          let sent = 0;
          ur.on('data', (c: Buffer) => {
            if (sent >= cut) return;
            const part = sent + c.length >= cut ? c.subarray(0, cut - sent) : c;
            sent += part.length;
            record.bytesOut = sent;
            if (sent >= cut) {
              record.outcome = `reset after ${sent} of ${declared} body bytes`;
              ur.destroy();
              res.write(part, () => req.socket.destroy());
            } else res.write(part);
          });
          return;
        }
        record.status = status;
        res.writeHead(status, out.flat());
        ur.on('data', (c: Buffer) => {
          record.bytesOut += c.length;
        });
        ur.on('error', () => res.destroy());
        ur.pipe(res);
      }
    }
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Garbage on the wire (e.g. a TLS ClientHello from a client probing HTTPS first): Node answers 400 and closes.
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const releaseStalls = (): number => {
    const n = stalls.size;
    for (const s of [...stalls]) {
      clearTimeout(s.timer);
      stalls.delete(s);
      s.record.outcome ??= 'stall released';
      s.socket.destroy();
    }
    return n;
  };

  return {
    url: `http://localhost:${port}`,
    host: `localhost:${port}`,
    port,
    requests,
    faults,
    get inFlight() {
      return inFlight;
    },
    setRules(rules) {
      states = ruleStates(rules);
    },
    clearRecords() {
      requests.length = 0;
      faults.length = 0;
    },
    count(method, path) {
      return requests.filter((r) => (method === undefined || r.method.toUpperCase() === method.toUpperCase()) && path.test(r.path)).length;
    },
    faultsFor(rule) {
      return faults.filter((f) => (typeof rule === 'string' ? f.rule === rule : rule.test(f.rule)));
    },
    waitFor(pred, timeoutMs = 30_000) {
      const already = requests.find(pred);
      if (already) return Promise.resolve(already);
      return new Promise<ProxiedRequest>((resolve, reject) => {
        const w = {
          pred,
          resolve: (r: ProxiedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fault proxy: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    releaseStalls,
    async settle(quietMs = 500, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let quietSince = inFlight === 0 ? Date.now() : 0;
      while (Date.now() < deadline) {
        if (inFlight > 0) quietSince = 0;
        else if (quietSince === 0) quietSince = Date.now();
        else if (Date.now() - quietSince >= quietMs) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`fault proxy: still ${inFlight} request(s) in flight after ${timeoutMs} ms`);
    },
    async close() {
      if (closed) return;
      closed = true;
      releaseStalls();
      for (const w of waiters) waiters.delete(w);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      agent.destroy();
    },
  };
}

/** The distribution spec's error body. */
export function registryErrorBody(code: string, message: string, detail?: unknown): Record<string, unknown> {
  return { errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] };
}
