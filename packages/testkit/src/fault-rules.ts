// The fault proxy's decisions, apart from its sockets: which fault a request gets (rules, matching, schedules), and
// what a status fault or a reset looks like on the wire. Pure apart from the counters a schedule keeps, so unit
// tests can feed it a table of requests. Test support only: never bundled.

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

/** What the rules look at in a request. */
export interface RequestFacts {
  readonly method: string;
  /** Path with query string, as the client sent it. */
  readonly path: string;
  readonly userAgent: string;
}

/** How records name an injected fault. */
export interface FaultLabel {
  rule: string;
  kind: FaultSpec['kind'];
  status?: number;
}

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

/** Whether a rule applies to a request at all (its schedule then decides whether this one gets the fault). */
export function ruleMatches(rule: FaultRule, request: RequestFacts): boolean {
  return methodMatches(rule, request.method) && rule.path.test(request.path) && (!rule.userAgent || rule.userAgent.test(request.userAgent));
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

/**
 * A set of rules with fresh schedule counters. `choose` is called once per arriving request, in arrival order:
 * every rule that matches counts the request; the first that decides to inject wins.
 */
export function faultChooser(rules: readonly FaultRule[]): (request: RequestFacts) => FaultRule | undefined {
  const states: RuleState[] = rules.map((rule) => {
    const s = rule.schedule;
    return { rule, seen: new Map(), injected: new Map(), ...(s && 'rate' in s ? { random: seededRandom(s.seed) } : {}) };
  });
  return (request) => {
    let chosen: FaultRule | undefined;
    for (const st of states) {
      if (!ruleMatches(st.rule, request)) continue;
      if (decide(st, request.path) && !chosen) chosen = st.rule;
    }
    return chosen;
  };
}

export function faultLabel(rule: FaultRule): FaultLabel {
  const { fault } = rule;
  return { rule: rule.name, kind: fault.kind, ...(fault.kind === 'status' ? { status: fault.status } : {}) };
}

/** The answer a status fault gives: JSON for an object body, and the body left out for HEAD. */
export function statusFaultAnswer(fault: Extract<FaultSpec, { kind: 'status' }>, method: string): { headers: Record<string, string>; body: string | undefined; bytes: number } {
  const body = fault.body === undefined ? '' : typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
  const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)), ...(body && typeof fault.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...fault.headers };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  return method === 'HEAD' ? { headers, body: undefined, bytes: 0 } : { headers, body, bytes: Buffer.byteLength(body) };
}

/**
 * Where a reset cuts a response: after this many body bytes, or undefined when there is no body to cut and the
 * connection dies before the status line. Short of the declared length (when it is over one byte), so the client
 * never mistakes a cut body for a whole one. `declared` is the response's Content-Length (NaN when absent).
 */
export function resetCutPoint(fault: Extract<FaultSpec, { kind: 'reset' }>, method: string, declared: number): number | undefined {
  const hasBody = method !== 'HEAD' && Number.isFinite(declared) && declared > 0;
  if (!hasBody) return undefined;
  return Math.max(1, Math.min(declared - 1, fault.afterBytes ?? Math.floor(declared / 2)));
}

/** The distribution spec's error body. */
export function registryErrorBody(code: string, message: string, detail?: unknown): Record<string, unknown> {
  return { errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] };
}
