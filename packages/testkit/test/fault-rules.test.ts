import { describe, expect, it } from 'vitest';
import { type FaultRule, type RequestFacts, faultChooser, faultLabel, registryErrorBody, resetCutPoint, ruleMatches, seededRandom, statusFaultAnswer } from '../src/fault-rules.ts';

const CLIENT = 'moam-registry-client/1.0';
const BUILDX = 'buildkit/v0.20';
const req = (method: string, path: string, userAgent = CLIENT): RequestFacts => ({ method, path, userAgent });
const s503 = { kind: 'status', status: 503 } as const;

/** Feeds the requests in order to one chooser and returns the name of the rule each one got ('-' for none). */
function run(rules: readonly FaultRule[], requests: readonly RequestFacts[]): string[] {
  const choose = faultChooser(rules);
  return requests.map((r) => choose(r)?.name ?? '-');
}

describe('fault rules: matching', () => {
  const rules: FaultRule[] = [
    { name: 'head-blob', method: 'HEAD', path: /\/blobs\/sha256:/, fault: s503 },
    { name: 'put-or-patch', method: ['put', 'PATCH'], path: /\/blobs\/uploads\//, fault: { kind: 'reset' } },
    { name: 'mount', path: /\/blobs\/uploads\/\?mount=/, fault: { kind: 'stall' } },
    { name: 'buildx-manifest', method: 'GET', path: /\/manifests\//, userAgent: /^(?!moam-)/, fault: { kind: 'delay', ms: 10 } },
  ];
  const table: Array<[RequestFacts, string | undefined]> = [
    [req('HEAD', '/v2/app/blobs/sha256:aa'), 'head-blob'],
    [req('head', '/v2/app/blobs/sha256:aa'), 'head-blob'], // methods compare case-insensitively
    [req('GET', '/v2/app/blobs/sha256:aa'), undefined],
    [req('PUT', '/v2/app/blobs/uploads/u1?digest=sha256:aa'), 'put-or-patch'],
    [req('PATCH', '/v2/app/blobs/uploads/u1'), 'put-or-patch'],
    [req('POST', '/v2/app/blobs/uploads/'), undefined],
    [req('POST', '/v2/app/blobs/uploads/?mount=sha256:aa&from=base'), 'mount'], // the query is part of the path
    [req('GET', '/v2/app/manifests/latest', BUILDX), 'buildx-manifest'],
    [req('GET', '/v2/app/manifests/latest', CLIENT), undefined],
    [req('GET', '/v2/app/manifests/latest', ''), 'buildx-manifest'], // no User-Agent is not ours either
  ];
  it.each(table)('%o -> %s', (request, expected) => {
    const matching = rules.filter((r) => ruleMatches(r, request)).map((r) => r.name);
    expect(matching[0]).toBe(expected);
    expect(faultChooser(rules)(request)?.name).toBe(expected);
  });
});

describe('fault rules: schedules', () => {
  const path = /\/blobs\//;
  const blob = (n: number) => req('GET', `/v2/app/blobs/sha256:${n}`);
  const same = Array.from({ length: 8 }, () => blob(0));
  const rule = (schedule: FaultRule['schedule']): FaultRule[] => [{ name: 'r', path, fault: s503, ...(schedule ? { schedule } : {}) }];
  const hits = (rules: readonly FaultRule[], requests: readonly RequestFacts[] = same): number[] =>
    run(rules, requests).flatMap((name, i) => (name === '-' ? [] : [i + 1]));

  const table: Array<[string, FaultRule['schedule'], number[]]> = [
    ['no schedule: always', undefined, [1, 2, 3, 4, 5, 6, 7, 8]],
    ['always with a limit', { always: true, limit: 3 }, [1, 2, 3]],
    ['first K', { first: 2 }, [1, 2]],
    ['every Nth', { every: 3 }, [3, 6]],
    ['every Nth from an offset', { every: 3, offset: 1 }, [1, 4, 7]],
    ['every Nth with a limit', { every: 2, limit: 2 }, [2, 4]],
    ['exactly the nth', { nth: [2, 5, 99] }, [2, 5]],
    ['rate 0', { rate: 0, seed: 1 }, []],
    ['rate 1 with a limit', { rate: 1, seed: 1, limit: 4 }, [1, 2, 3, 4]],
  ];
  it.each(table)('%s', (_name, schedule, expected) => {
    expect(hits(rule(schedule))).toEqual(expected);
  });

  it('perPath counts each path on its own, the query ignored; without it the rule counts every request', () => {
    const requests = [blob(1), blob(1), req('GET', '/v2/app/blobs/sha256:1?x=1'), blob(2), blob(2), blob(1)];
    expect(run(rule({ first: 2, perPath: true }), requests)).toEqual(['r', 'r', '-', 'r', 'r', '-']);
    expect(run(rule({ first: 2 }), requests)).toEqual(['r', 'r', '-', '-', '-', '-']);
    expect(run(rule({ always: true, limit: 1, perPath: true }), requests)).toEqual(['r', '-', '-', 'r', '-', '-']);
  });

  it('a seeded rate replays the same faults for the same arrival order, and draws only for matching requests', () => {
    const rules = rule({ rate: 0.5, seed: 42 });
    const random = seededRandom(42);
    const expected = same.map(() => (random() < 0.5 ? 'r' : '-'));
    expect(run(rules, same)).toEqual(expected);
    expect(run(rules, same)).toEqual(expected); // a fresh chooser starts the PRNG over
    const interleaved = same.flatMap((r) => [req('GET', '/v2/'), r]);
    expect(run(rules, interleaved).filter((_, i) => i % 2 === 1)).toEqual(expected);
  });

  it('a request that does not match is not counted', () => {
    const requests = [blob(1), req('GET', '/v2/'), req('GET', '/v2/'), blob(2), blob(3)];
    expect(run(rule({ nth: [2] }), requests)).toEqual(['-', '-', '-', 'r', '-']);
  });
});

describe('fault rules: several rules', () => {
  it('every matching rule counts the request; the first that decides to inject wins', () => {
    const rules: FaultRule[] = [
      { name: 'first-head', method: 'HEAD', path: /./, fault: s503, schedule: { first: 1 } },
      { name: 'second-any', path: /./, fault: { kind: 'reset' }, schedule: { nth: [1, 2] } },
      { name: 'third-any', path: /./, fault: { kind: 'stall' }, schedule: { nth: [3] } },
    ];
    const requests = [req('HEAD', '/a'), req('GET', '/a'), req('HEAD', '/a'), req('GET', '/a')];
    // 1: first-head and second-any both decide, the first rule wins (and second-any's 1st is used up);
    // 2: second-any's 2nd; 3: first-head is past its first, third-any's 3rd; 4: nothing left.
    expect(run(rules, requests)).toEqual(['first-head', 'second-any', 'third-any', '-']);
  });

  it('no rules, no faults', () => {
    expect(run([], [req('GET', '/v2/')])).toEqual(['-']);
  });
});

describe('fault rules: what a fault looks like', () => {
  it('labels a fault for the records: a status fault carries its status', () => {
    expect(faultLabel({ name: 'a', path: /./, fault: { kind: 'status', status: 429, retryAfter: 1 } })).toEqual({ rule: 'a', kind: 'status', status: 429 });
    expect(faultLabel({ name: 'b', path: /./, fault: { kind: 'reset', afterBytes: 3 } })).toEqual({ rule: 'b', kind: 'reset' });
  });

  it('a status answer: a JSON body with its type and length, Retry-After, extra headers; no body for HEAD', () => {
    const fault = { kind: 'status', status: 429, retryAfter: 2, body: registryErrorBody('TOOMANYREQUESTS', 'slow down'), headers: { 'x-extra': '1' } } as const;
    const json = '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}';
    const expectedHeaders = { 'content-length': String(json.length), 'content-type': 'application/json', 'x-extra': '1', 'retry-after': '2' };
    expect(statusFaultAnswer(fault, 'GET')).toEqual({ headers: expectedHeaders, body: json, bytes: json.length });
    expect(statusFaultAnswer(fault, 'HEAD')).toEqual({ headers: expectedHeaders, body: undefined, bytes: 0 });
    expect(statusFaultAnswer({ kind: 'status', status: 500, body: 'oops' }, 'GET')).toEqual({ headers: { 'content-length': '4' }, body: 'oops', bytes: 4 });
    expect(statusFaultAnswer({ kind: 'status', status: 503 }, 'GET')).toEqual({ headers: { 'content-length': '0' }, body: '', bytes: 0 });
    expect(registryErrorBody('UNKNOWN', 'x', { a: 1 })).toEqual({ errors: [{ code: 'UNKNOWN', message: 'x', detail: { a: 1 } }] });
  });

  it.each([
    ['GET', 100, undefined, 50], // default: half the body
    ['GET', 100, 10, 10],
    ['GET', 100, 0, 1], // at least one byte
    ['GET', 100, 500, 99], // never the whole body
    ['GET', 1, undefined, 1],
    ['GET', 0, undefined, undefined], // no body: cut before the status line
    ['GET', NaN, undefined, undefined], // no Content-Length
    ['HEAD', 100, undefined, undefined],
  ] as const)('reset of a %s answer of %d bytes, afterBytes %s: cut after %s', (method, declared, afterBytes, expected) => {
    expect(resetCutPoint({ kind: 'reset', ...(afterBytes === undefined ? {} : { afterBytes }) }, method, declared)).toBe(expected);
  });
});
