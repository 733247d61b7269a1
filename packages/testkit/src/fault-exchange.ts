// One request through the fault proxy, once the rules have chosen its fault: answered with a status, stalled,
// delayed, or forwarded to the registry with bodies streamed both ways (and the answer cut short for a reset).
// Test support only: never bundled.
import http from 'node:http';
import type { Socket } from 'node:net';
import { type FaultLabel, type FaultSpec, resetCutPoint, statusFaultAnswer } from './fault-rules.ts';

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
  fault?: FaultLabel;
  /** Request body bytes seen. */
  bytesIn: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
  /** How it ended when not with a complete answer: "reset", "stall released", "client closed", an upstream error… */
  outcome?: string;
}

/** A stalled request, held until released, bounded, or closed by its client. */
export interface Stall {
  readonly socket: Socket;
  readonly timer: NodeJS.Timeout;
  readonly record: ProxiedRequest;
}

/** What every exchange shares with the proxy that accepted it. */
export interface ProxyLink {
  /** The registry: plain HTTP. */
  readonly upstream: URL;
  readonly agent: http.Agent;
  readonly maxStallMs: number;
  readonly stalls: Set<Stall>;
  /** The proxy's own port, for a client that sent no Host header (known once it listens, before any request). */
  port: number;
  /** Resolves the waitFor() calls this record satisfies. */
  notify(record: ProxiedRequest): void;
}

/** One request in flight. `finish` ends its record once (the outcome, when given, says why it did not complete). */
export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly record: ProxiedRequest;
  finish(outcome?: string): void;
}

type StatusFault = Extract<FaultSpec, { kind: 'status' }>;
type StallFault = Extract<FaultSpec, { kind: 'stall' }>;
type DelayFault = Extract<FaultSpec, { kind: 'delay' }>;
type ResetFault = Extract<FaultSpec, { kind: 'reset' }>;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function sameLoopbackHost(a: string, b: URL): boolean {
  const norm = (h: string) => h.replace(/^(localhost|127\.0\.0\.1|\[::1\])(?=:|$)/i, 'loopback');
  return norm(a.toLowerCase()) === norm(b.host.toLowerCase());
}

/** The registry's absolute Location pointed at the proxy, so that an upload's later requests come through it too. */
export function rewriteLocation(value: string, clientHost: string, upstream: URL): string {
  let loc: URL;
  try {
    loc = new URL(value);
  } catch {
    return value; // relative: already goes through us
  }
  if (loc.protocol !== 'http:' || !sameLoopbackHost(loc.host, upstream)) return value;
  return `http://${clientHost}${loc.pathname}${loc.search}${loc.hash}`;
}

/** The client's headers for the registry: hop-by-hop ones dropped, repeated ones kept, Host the registry's. */
export function upstreamHeaders(rawHeaders: readonly string[], upstreamHost: string): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    if (HOP_BY_HOP.has(name) || name === 'host') continue;
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
  headers.host = upstreamHost;
  return headers;
}

/** The registry's headers for the client, as name/value pairs in their order (repeated Set-Cookie and all). */
export function clientHeaders(rawHeaders: readonly string[], clientHost: string, upstream: URL): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    out.push([name, name.toLowerCase() === 'location' ? rewriteLocation(value, clientHost, upstream) : value]);
  }
  return out;
}

/** Answers with the fault's status once the request body is drained, so the client sees the status rather than a write error. */
export function answerWithStatus(x: Exchange, fault: StatusFault): void {
  const { req, res, record } = x;
  const answer = () => {
    const { headers, body, bytes } = statusFaultAnswer(fault, record.method);
    record.status = fault.status;
    res.writeHead(fault.status, headers);
    res.end(body);
    record.bytesOut = bytes;
  };
  if (req.complete) answer();
  else {
    req.on('end', answer);
    req.on('error', () => x.finish('client error'));
    req.resume();
  }
}

export function stall(link: ProxyLink, x: Exchange, fault: StallFault): void {
  const { req, record } = x;
  req.resume();
  const socket = req.socket;
  const entry: Stall = {
    socket,
    record,
    timer: setTimeout(() => {
      link.stalls.delete(entry);
      record.outcome ??= `stall bounded after ${fault.maxMs ?? link.maxStallMs} ms`;
      socket.destroy();
      x.finish();
    }, Math.min(fault.maxMs ?? link.maxStallMs, link.maxStallMs)),
  };
  link.stalls.add(entry);
  socket.once('close', () => {
    clearTimeout(entry.timer);
    link.stalls.delete(entry);
    record.outcome ??= 'stalled until the client closed';
    x.finish();
  });
  link.notify(record); // waitFor() on stalled requests resolves now
}

export function delayThenForward(link: ProxyLink, x: Exchange, fault: DelayFault): void {
  // The body flows (bytesIn counts it) while the request waits: keep it for the upstream request.
  const early: Buffer[] = [];
  x.req.on('data', (c: Buffer) => early.push(c));
  setTimeout(() => forward(link, x, fault, early), fault.ms);
  link.notify(x.record); // waitFor() sees a delayed request when it arrives, like a stalled one
}

/** Sends the request on to the registry; `early` is the body a delay held back (the rest is piped). */
export function forward(link: ProxyLink, x: Exchange, fault: DelayFault | ResetFault | undefined, early?: readonly Buffer[]): void {
  const { req, res, record } = x;
  const headers = upstreamHeaders(req.rawHeaders, link.upstream.host);
  const clientHost = req.headers.host ?? `localhost:${link.port}`;
  const { protocol, hostname, port } = link.upstream;
  const up = http.request({ protocol, hostname, port, method: record.method, path: record.path, headers, agent: link.agent });
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
  if (early) {
    req.removeAllListeners('data');
    req.on('data', (c: Buffer) => (record.bytesIn += c.length));
    for (const c of early) up.write(c);
    if (req.complete) up.end();
    else req.pipe(up);
  } else req.pipe(up);
  const relay = (ur: http.IncomingMessage) => relayResponse(x, ur, clientHeaders(ur.rawHeaders, clientHost, link.upstream), fault);
  up.on('response', (ur) => (fault?.kind === 'delay' && fault.responseMs ? setTimeout(() => relay(ur), fault.responseMs) : relay(ur)));
}

function relayResponse(x: Exchange, ur: http.IncomingMessage, headers: Array<[string, string]>, fault: DelayFault | ResetFault | undefined): void {
  const { res, record } = x;
  record.upstreamStatus = ur.statusCode;
  const status = ur.statusCode ?? 502;
  if (fault?.kind === 'reset') return relayCut(x, ur, status, headers, fault);
  record.status = status;
  res.writeHead(status, headers.flat());
  ur.on('data', (c: Buffer) => {
    record.bytesOut += c.length;
  });
  ur.on('error', () => res.destroy());
  ur.pipe(res);
}

function relayCut(x: Exchange, ur: http.IncomingMessage, status: number, headers: Array<[string, string]>, fault: ResetFault): void {
  const { req, res, record } = x;
  const declared = Number(ur.headers['content-length'] ?? NaN);
  const cut = resetCutPoint(fault, record.method, declared);
  if (cut === undefined) {
    ur.resume();
    record.outcome = 'reset before the response';
    req.socket.destroy();
    return;
  }
  res.writeHead(status, headers.flat());
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
}
