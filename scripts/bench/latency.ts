// The latency rows' registry: the test bed's registry behind the fault proxy (packages/testkit/src/fault-proxy.ts) with
// a fixed delay on every request, both ways — a runner some distance from its registry. Both variants reach it as
// localhost:<port>, a name buildx imagetools, cosign and our client all speak plain HTTP to.
//
// The proxy records every request; `tally` turns each timed sample's records into what bounds it: how many requests
// each client sent, how many of them had to happen one after another (the longest chain of requests that do not
// overlap in time: each costs at least the round trip), and how long at least one request was in flight.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../../packages/testkit/src/fault-proxy.ts';
import { testbed } from '../../packages/testkit/src/index.ts';
import { type Net, closers, log, once } from './context.ts';
import { fmtMs, median } from './measure.ts';

/** 25 ms before the request reaches the registry, 25 ms before its answer reaches the client. */
export const DELAY = { ms: 25, responseMs: 25 } as const;
export const RTT = DELAY.ms + DELAY.responseMs;

export const latencyProxy = once(async (): Promise<FaultProxy> => {
  const tb = testbed();
  const proxy = await startFaultProxy({ upstream: `http://${tb.registry}` });
  proxy.setRules([{ name: 'latency', path: /^/, fault: { kind: 'delay', ...DELAY }, schedule: { always: true } }]);
  closers.push(proxy.close);
  log(`latency proxy: ${proxy.host} → ${tb.registry}, every request delayed ${DELAY.ms} ms on the way in and ${DELAY.responseMs} ms on the way out`);
  return proxy;
});

/** Which client sent a request, from its User-Agent. */
export function clientOf(userAgent: string): string {
  if (/^moam-registry-client\//.test(userAgent)) return 'moam';
  if (/cosign/i.test(userAgent)) return 'cosign';
  if (/buildx|buildkit|containerd|docker/i.test(userAgent)) return 'buildx';
  return userAgent.split('/')[0] || 'unknown';
}

/** What a request asked for: "HEAD manifest", "GET blob", "GET tags", "POST upload", … */
export function kindOf(method: string, p: string): string {
  const what = /\/tags\/list/.test(p) ? 'tags' : /\/blobs\/uploads\//.test(p) ? 'upload' : /\/blobs\//.test(p) ? 'blob' : /\/manifests\//.test(p) ? 'manifest' : /\/referrers\//.test(p) ? 'referrers' : /^\/v2\/?$/.test(p) ? 'ping' : 'other';
  return `${method} ${what}`;
}

export interface SampleTraffic {
  ms: number;
  requests: number;
  byClient: Record<string, number>;
  /** "<client> <method> <what>" → count. */
  byKind: Record<string, number>;
  /** The longest chain of requests that do not overlap in time: at least this many round trips one after another. */
  chain: number;
  /** Time with at least one request in flight, ms. */
  busyMs: number;
  maxInFlight: number;
  /** From the start of the sample to its first request, and from its last answer to its end, ms. */
  firstMs: number;
  tailMs: number;
  trace: Array<{ client: string; method: string; path: string; start: number; end: number; status?: number }>;
}

export function summarise(requests: readonly ProxiedRequest[], t0: number, ms: number): SampleTraffic {
  const now = Date.now();
  const spans = requests.map((r) => ({ start: r.startedAt, end: r.endedAt ?? now })).sort((a, b) => a.start - b.start);
  let busyMs = 0;
  let open = -Infinity;
  let close = -Infinity;
  for (const s of spans) {
    if (s.start > close) {
      if (close > open) busyMs += close - open;
      open = s.start;
      close = s.end;
    } else close = Math.max(close, s.end);
  }
  if (close > open) busyMs += close - open;
  // Greedy by earliest end: the largest set of pairwise non-overlapping requests.
  let chain = 0;
  let last = -Infinity;
  for (const s of [...spans].sort((a, b) => a.end - b.end)) {
    if (s.start >= last) {
      chain++;
      last = s.end;
    }
  }
  let maxInFlight = 0;
  const edges = spans.flatMap((s) => [[s.start, 1], [s.end, -1]] as Array<[number, number]>).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  for (const [, d] of edges) maxInFlight = Math.max(maxInFlight, (inFlight += d));
  const byClient: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  for (const r of requests) {
    const c = clientOf(r.userAgent);
    byClient[c] = (byClient[c] ?? 0) + 1;
    const k = `${c} ${kindOf(r.method, r.path)}`;
    byKind[k] = (byKind[k] ?? 0) + 1;
  }
  const trace = requests.map((r) => ({ client: clientOf(r.userAgent), method: r.method, path: r.path, start: r.startedAt - t0, end: (r.endedAt ?? now) - t0, ...(r.status !== undefined ? { status: r.status } : {}) }));
  const firstMs = spans.length ? Math.max(0, Math.min(...spans.map((x) => x.start)) - t0) : ms;
  const tailMs = spans.length ? Math.max(0, ms - (Math.max(...spans.map((x) => x.end)) - t0)) : 0;
  return { ms, requests: requests.length, byClient, byKind, chain, busyMs, maxInFlight, firstMs, tailMs, trace };
}

export interface Tally {
  /** Wraps a timed variant: clears the proxy's records before it, summarises them after it (no-op on loopback). */
  suite<P>(fn: (p: P) => Promise<number>): (p: P) => Promise<number>;
  raw<P>(fn: (p: P) => Promise<number>): (p: P) => Promise<number>;
  samples: { suite: SampleTraffic[]; raw: SampleTraffic[] };
  /** Medians per variant (undefined on loopback). */
  summary(): { suite: TrafficSummary; raw: TrafficSummary } | undefined;
  /** Writes every sample's records to <traceDir>/<file>.json when --trace was given. */
  writeTrace(file: string): Promise<void>;
}

export interface TrafficSummary {
  ms: number;
  requests: number;
  chain: number;
  busyMs: number;
  maxInFlight: number;
  firstMs: number;
  tailMs: number;
  /** Median count per client, and per client + kind. */
  byClient: Record<string, number>;
  byKind: Record<string, number>;
}

function summariseAll(xs: readonly SampleTraffic[]): TrafficSummary {
  const med = (f: (x: SampleTraffic) => number) => median(xs.map(f));
  const keyed = (pick: (x: SampleTraffic) => Record<string, number>) => {
    const keys = [...new Set(xs.flatMap((x) => Object.keys(pick(x))))].sort();
    return Object.fromEntries(keys.map((k) => [k, median(xs.map((x) => pick(x)[k] ?? 0))]));
  };
  return { ms: med((x) => x.ms), requests: med((x) => x.requests), chain: med((x) => x.chain), busyMs: med((x) => x.busyMs), maxInFlight: med((x) => x.maxInFlight), firstMs: med((x) => x.firstMs), tailMs: med((x) => x.tailMs), byClient: keyed((x) => x.byClient), byKind: keyed((x) => x.byKind) };
}

export function tally(net: Net): Tally {
  const samples = { suite: [] as SampleTraffic[], raw: [] as SampleTraffic[] };
  const wrap =
    (v: 'suite' | 'raw') =>
    <P>(fn: (p: P) => Promise<number>) =>
    async (p: P): Promise<number> => {
      const proxy = net.proxy;
      if (!proxy) return fn(p);
      proxy.clearRecords();
      const t0 = Date.now();
      const ms = await fn(p);
      samples[v].push(summarise(proxy.requests, t0, ms));
      return ms;
    };
  return {
    suite: wrap('suite'),
    raw: wrap('raw'),
    samples,
    summary: () => (net.proxy && samples.suite.length > 0 && samples.raw.length > 0 ? { suite: summariseAll(samples.suite), raw: summariseAll(samples.raw) } : undefined),
    async writeTrace(file) {
      if (!net.traceDir || !net.proxy) return;
      await writeFile(path.join(net.traceDir, `${file}.json`), JSON.stringify(samples, null, 1));
    },
  };
}

const fmtCounts = (o: Record<string, number>) =>
  Object.entries(o)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** One line for a row's note: requests per sample, by client. */
export function trafficNote(s: { suite: TrafficSummary; raw: TrafficSummary }): string {
  return `registry requests per sample (medians): suite ${s.suite.requests} (${fmtCounts(s.suite.byClient)}), raw ${s.raw.requests} (${fmtCounts(s.raw.byClient)})`;
}

/** What bounds a latency row, from the proxy's records: requests, chains of round trips, time with a request in flight. */
export function trafficLimit(s: { suite: TrafficSummary; raw: TrafficSummary }, target: number): string {
  const one = (name: string, t: TrafficSummary) =>
    `${name} ${fmtMs(t.ms)}: ${t.requests} requests (${fmtCounts(t.byKind)}), at most ${t.maxInFlight} at once, ≥ ${t.chain} one after another (≥ ${fmtMs(t.chain * RTT)} of round trips), ` +
    `a request in flight for ${fmtMs(t.busyMs)}, none for ${fmtMs(Math.max(0, t.ms - t.busyMs))} (process starts, hashing, signing, sleeping), ` +
    `of which ${fmtMs(t.firstMs)} before the first request and ${fmtMs(t.tailMs)} after the last answer`;
  const budget = target * s.raw.ms;
  return `${one('suite', s.suite)}; ${one('raw', s.raw)}. The target needs the suite under ${fmtMs(budget)}${s.suite.ms > budget ? `, ${fmtMs(s.suite.ms - budget)} less than it took` : ''}`;
}
