// A loopback HTTP proxy in front of a plain-HTTP registry that injects faults on a deterministic schedule
// (test support only, never bundled). It forwards requests with bodies streamed both ways, rewrites the registry's
// absolute Location URLs to its own host so uploads keep going through it, and records every request and every
// injected fault for assertions. Which request gets which fault is decided in fault-rules.ts; how each fault is
// carried out on the wire, in fault-exchange.ts.
//
//   const proxy = await startFaultProxy({ upstream: 'http://localhost:5000' });
//   proxy.setRules([{ name: 'head-blob-503', method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 503 }, schedule: { first: 2, perPath: true } }]);
//   ... push to `${proxy.host}/repo` (localhost:<port>: plain HTTP for our client and for buildx) ...
//   expect(proxy.faultsFor('head-blob-503').length).toBeGreaterThan(0);
//   await proxy.close();
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Exchange, type ProxiedRequest, type ProxyLink, answerWithStatus, delayThenForward, forward, stall } from './fault-exchange.ts';
import { type FaultRule, type FaultSpec, faultChooser, faultLabel } from './fault-rules.ts';

export type { ProxiedRequest } from './fault-exchange.ts';
export { type FaultRule, type FaultSpec, type Schedule, registryErrorBody, seededRandom } from './fault-rules.ts';

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

interface Waiter {
  readonly pred: (r: ProxiedRequest) => boolean;
  readonly resolve: (r: ProxiedRequest) => void;
}

/** The first request, already recorded or yet to come, for which pred holds; `waiters` is where notify() looks. */
function waitFor(requests: readonly ProxiedRequest[], waiters: Set<Waiter>, pred: Waiter['pred'], timeoutMs: number): Promise<ProxiedRequest> {
  const already = requests.find(pred);
  if (already) return Promise.resolve(already);
  return new Promise<ProxiedRequest>((resolve, reject) => {
    const w: Waiter = {
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
}

// A quiet stretch, not the first moment nothing is in flight: a client's retry starts only after its previous
// attempt has ended.
async function settle(inFlight: () => number, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = inFlight() === 0 ? Date.now() : 0;
  while (Date.now() < deadline) {
    if (inFlight() > 0) quietSince = 0;
    else if (quietSince === 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fault proxy: still ${inFlight()} request(s) in flight after ${timeoutMs} ms`);
}

/** Starts the proxy on 127.0.0.1, port 0. Clients use localhost:<port>. */
export async function startFaultProxy(options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(options.upstream ?? 'http://localhost:5000');
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy: upstream ${upstream.href} must be plain HTTP`);
  const requests: ProxiedRequest[] = [];
  const faults: InjectedFault[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<Waiter>();
  let choose = faultChooser(options.rules ?? []);
  let seq = 0;
  let inFlight = 0;
  let closed = false;

  const notify = (r: ProxiedRequest) => {
    for (const w of [...waiters]) {
      if (w.pred(r)) {
        waiters.delete(w);
        w.resolve(r);
      }
    }
  };
  const link: ProxyLink = {
    upstream,
    // A fresh upstream connection per request: a reused keep-alive socket the registry has just closed would surface
    // as a fault nobody asked for ("socket hang up").
    agent: new http.Agent({ keepAlive: false, maxSockets: 64 }),
    maxStallMs: options.maxStallMs ?? 30_000,
    stalls: new Set(),
    port: 0,
    notify,
  };

  /** Records the request and counts it in flight until its answer is finished or its connection closes. */
  const open = (req: http.IncomingMessage, res: http.ServerResponse): Exchange => {
    const record: ProxiedRequest = { seq: ++seq, method: req.method ?? 'GET', path: req.url ?? '/', userAgent: req.headers['user-agent'] ?? '', startedAt: Date.now(), bytesIn: 0, bytesOut: 0 };
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
    return { req, res, record, finish };
  };

  const server = http.createServer((req, res) => {
    const x = open(req, res);
    const { record } = x;
    const chosen = choose(record);
    if (chosen) {
      record.fault = faultLabel(chosen);
      faults.push({ seq: record.seq, ...faultLabel(chosen), method: record.method, path: record.path, at: Date.now() });
    }
    const fault = chosen?.fault;
    if (fault?.kind === 'status') answerWithStatus(x, fault);
    else if (fault?.kind === 'stall') stall(link, x, fault);
    else if (fault?.kind === 'delay') delayThenForward(link, x, fault);
    else forward(link, x, fault);
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
  const port = (server.address() as AddressInfo).port;
  link.port = port;

  const releaseStalls = (): number => {
    const n = link.stalls.size;
    for (const s of [...link.stalls]) {
      clearTimeout(s.timer);
      link.stalls.delete(s);
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
      choose = faultChooser(rules);
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
    waitFor: (pred, timeoutMs = 30_000) => waitFor(requests, waiters, pred, timeoutMs),
    releaseStalls,
    settle: (quietMs = 500, timeoutMs = 30_000) => settle(() => inFlight, quietMs, timeoutMs),
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
      link.agent.destroy();
    },
  };
}
