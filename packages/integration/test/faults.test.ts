// The bundled build-by-digest and merge-manifest against the test bed's registry through the fault proxy
// (packages/testkit/src/fault-proxy.ts): transient faults are ridden out and change nothing in what is published;
// permanent errors fail fast, naming the registry's code, without retry storms; an interrupted merge re-runs clean.
//
// The proxy listens on localhost:<port>, a loopback name both our registry client and buildx imagetools speak plain
// HTTP to; what is pushed through it lands in the same storage as localhost:5000/<repo>, so results are read back
// (and compared) straight from the registry.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, type Legs, fetchManifest, githubTagEnv, legsIn as testkitLegsIn, merge, registryTags, runBundledAction, testbed, uniqueName } from '@moam/testkit';
import { type FaultProxy, type FaultRule, registryErrorBody, startFaultProxy } from '../../testkit/src/fault-proxy.ts';

const tb = testbed();
const STORAGE = path.join(process.env.MOAM_TESTBED_STATE ?? '/var/lib/moam-testbed', 'registry/plain/data/docker/registry/v2/repositories');
const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
const TAGS = ['1', '1.2', '1.2.3', 'latest'];
const OUR_CLIENT = /^moam-registry-client\//;
const NOT_OUR_CLIENT = /^(?!moam-registry-client\/)/;

let proxy: FaultProxy;
let dockerConfig: string;
const tmp: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-faults-${prefix}-`));
  tmp.push(d);
  return d;
}

beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: `http://${tb.registry}`, maxStallMs: 60_000 });
  // An empty docker config: no credentials anywhere, so the actions' messages do not depend on the machine.
  dockerConfig = await tempDir('docker');
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all(tmp.map((d) => rm(d, { recursive: true, force: true })));
});

// ------------------------------------------------------------------ helpers

function buildLeg(image: string, platform: string, handoff: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  return runBundledAction('build-by-digest', {
    inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
    env: { MOAM_HANDOFF_DIR: handoff, DOCKER_CONFIG: dockerConfig, ...githubTagEnv('v1.2.3') },
    ...extra,
  });
}

function mergeRun(image: string, handoff: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  if (extra.killAfterMs === undefined) return merge(image, handoff, { ...githubTagEnv('v1.2.3'), DOCKER_CONFIG: dockerConfig });
  return runBundledAction('merge-manifest', {
    inputs: { images: image, platforms: PLATFORMS.join(',') },
    env: { MOAM_HANDOFF_DIR: handoff, DOCKER_CONFIG: dockerConfig, ...githubTagEnv('v1.2.3') },
    killAfterMs: extra.killAfterMs,
  });
}

const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`;

/** GET straight from the registry (never through the proxy). */
const getManifest = (repo: string, ref: string) => fetchManifest(tb.registry, repo, ref);

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Walks digest's graph in repo: every manifest's bytes hash to its digest, every blob is served and hashes right. Returns the manifests. */
async function verifyGraph(repo: string, digest: string): Promise<string[]> {
  const seen: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const m = await getManifest(repo, d);
    expect(sha256(m.bytes), `${repo}@${d}`).toBe(d);
    seen.push(d);
    for (const child of m.json.manifests ?? []) await walk(child.digest);
    for (const blob of [...(m.json.config ? [m.json.config] : []), ...(m.json.layers ?? [])]) {
      const res = await fetch(`http://${tb.registry}/v2/${repo}/blobs/${blob.digest}`);
      expect(res.status, `${repo} blob ${blob.digest}`).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(blob.size);
      expect(sha256(bytes)).toBe(blob.digest);
    }
  };
  await walk(digest);
  return seen.sort();
}

/** Every manifest the registry links into the repository (tagged or not), from its storage: duplicates would show here. */
async function storedManifests(repo: string): Promise<string[]> {
  try {
    return (await readdir(path.join(STORAGE, repo, '_manifests/revisions/sha256'))).map((h) => `sha256:${h}`).sort();
  } catch {
    return [];
  }
}

/** A copy of the legs in another repository, with a hand-off directory whose records name `image`. */
async function legsIn(repo: string, image: string, legs: Legs): Promise<string> {
  const dir = await testkitLegsIn(tb.registry, legs, repo, image);
  tmp.push(dir);
  return dir;
}

/** Requests per path (query dropped) for a method + path pattern: the most any one request was repeated. */
function maxPerPath(method: string, pattern: RegExp): number {
  const counts = new Map<string, number>();
  for (const r of proxy.requests) if (r.method === method && pattern.test(r.path)) counts.set(r.path.split('?')[0] as string, (counts.get(r.path.split('?')[0] as string) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

// ------------------------------------------------------------------ fault plans

const BUILD_RULES: FaultRule[] = [
  { name: 'HEAD blob 503', method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 503 }, schedule: { first: 2 } },
  { name: 'POST upload 429', method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { first: 2 } },
  { name: 'PUT blob reset', method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'reset' }, schedule: { first: 1 } },
  { name: 'HEAD manifest reset', method: 'HEAD', path: /\/manifests\//, fault: { kind: 'reset' }, schedule: { first: 1 } },
  { name: 'PUT manifest 500', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 500 }, schedule: { nth: [1] } },
  { name: 'PUT manifest 503', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { nth: [2] } },
];

const MERGE_RULES: FaultRule[] = [
  // Our client's record checks.
  { name: 'client HEAD manifest 503', userAgent: OUR_CLIENT, method: 'HEAD', path: /\/manifests\//, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { first: 2 } },
  { name: 'client GET manifest reset mid-body', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\//, fault: { kind: 'reset' }, schedule: { first: 1 } },
  // buildx imagetools create.
  { name: 'imagetools HEAD manifest 500', userAgent: NOT_OUR_CLIENT, method: 'HEAD', path: /\/manifests\//, fault: { kind: 'status', status: 500 }, schedule: { first: 1 } },
  { name: 'imagetools GET manifest reset mid-body', userAgent: NOT_OUR_CLIENT, method: 'GET', path: /\/manifests\//, fault: { kind: 'reset' }, schedule: { first: 1 } },
  { name: 'PUT manifest 503', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, schedule: { nth: [1] } },
  { name: 'PUT manifest 429', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { nth: [2] } },
];

// ------------------------------------------------------------------ tests

describe('faults: transient registry trouble changes nothing in what is published', () => {
  const repo = `moam-it/${uniqueName('faults')}`;
  const refRepo = `moam-it/${uniqueName('faults-ref')}`;
  let legs: Legs | undefined;
  let refDigest = '';

  it.each(PLATFORMS)('build-by-digest %s pushes through 503/429/500 answers and connection resets, the graph complete', async (platform) => {
    legs ??= { repo, handoff: await tempDir('handoff'), digests: {} };
    proxy.setRules(BUILD_RULES);
    proxy.clearRecords();
    const run = await buildLeg(`${proxy.host}/${repo}`, platform, legs.handoff);
    expect(run.exitCode, show(run)).toBe(0);
    const digest = run.outputs.digest as string;
    legs.digests[platform] = digest;

    // Every rule fired, on this leg alone.
    for (const rule of BUILD_RULES) expect(proxy.faultsFor(rule.name).length, rule.name).toBeGreaterThanOrEqual(1);
    expect(proxy.faults.length).toBeGreaterThanOrEqual(8);
    expect(run.stdout).toMatch(/HTTP 503; attempt 2 of 5/);
    expect(run.stdout).toMatch(/HTTP 429, Retry-After 1; attempt 2 of 5/);
    expect(run.stdout).toMatch(/ECONNRESET; attempt 2 of 5/);

    // Read back without the proxy: every manifest and blob is there and hashes right; still no tag.
    const manifests = await verifyGraph(repo, digest);
    expect(manifests).toHaveLength(3); // the leg's index, its image manifest, its attestation manifest
    expect(await registryTags(tb.registry, repo)).toEqual([]);
  });

  it('merge-manifest publishes the same index and tags as a fault-free merge of the same records, with faults in every client', async () => {
    expect(legs && Object.keys(legs.digests).length === 2, 'needs both legs from the build tests').toBe(true);
    const l = legs as Legs;

    // The reference: the same legs copied by digest into another repository, merged without the proxy.
    const refHandoff = await legsIn(refRepo, `${tb.registry}/${refRepo}`, l);
    const ref = await mergeRun(`${tb.registry}/${refRepo}`, refHandoff);
    expect(ref.exitCode, show(ref)).toBe(0);
    refDigest = ref.outputs.digest as string;

    proxy.setRules(MERGE_RULES);
    proxy.clearRecords();
    const run = await mergeRun(`${proxy.host}/${repo}`, l.handoff);
    expect(run.exitCode, show(run)).toBe(0);

    for (const rule of MERGE_RULES) expect(proxy.faultsFor(rule.name).length, rule.name).toBeGreaterThanOrEqual(1);
    expect(proxy.faults.length).toBeGreaterThanOrEqual(7);
    expect(proxy.faults.some((f) => f.rule.startsWith('imagetools'))).toBe(true);
    expect(run.stdout).toMatch(/imagetools create .*transient registry failure/);

    // Exactly what the fault-free run produced: index digest and bytes, tags, and the manifests the repository holds.
    expect(run.outputs.digest).toBe(refDigest);
    expect(run.outputs.tags).toBe(ref.outputs.tags);
    expect(await registryTags(tb.registry, repo)).toEqual(TAGS);
    expect(await registryTags(tb.registry, refRepo)).toEqual(TAGS);
    for (const tag of TAGS) expect(sha256((await getManifest(repo, tag)).bytes), tag).toBe(refDigest);
    expect((await getManifest(repo, refDigest)).bytes.equals((await getManifest(refRepo, refDigest)).bytes)).toBe(true);
    const stored = await storedManifests(repo);
    expect(stored).toEqual(await storedManifests(refRepo));
    expect(stored).toHaveLength(7); // 2 leg indexes + 2 image manifests + 2 attestation manifests + the release index
    expect(await verifyGraph(repo, refDigest)).toHaveLength(5); // the release index lists the 4 manifests of the legs' indexes
  });

  describe('an interrupted merge re-runs clean', () => {
    const intRepo = `moam-it/${uniqueName('faults-int')}`;

    it('SIGKILL while a tag PUT is stalled, then a re-run: same index, exactly the tags, nothing duplicated', async () => {
      expect(refDigest, 'needs the reference merge').not.toBe('');
      const image = `${proxy.host}/${intRepo}`;
      const handoff = await legsIn(intRepo, image, legs as Legs);
      proxy.setRules([{ name: 'stall PUT latest', method: 'PUT', path: /\/manifests\/latest$/, fault: { kind: 'stall', maxMs: 60_000 }, schedule: { first: 1 } }]);
      proxy.clearRecords();

      const stalled = proxy.waitFor((r) => r.fault?.kind === 'stall', 30_000);
      const killed = await mergeRun(image, handoff, { killAfterMs: 8_000 });
      expect(killed.exitCode, show(killed)).toBe(137);
      const stall = await stalled;
      expect(stall.startedAt).toBeLessThan(Date.now());
      // The PUT never reached the registry: it was still held when the action died and took its connection along.
      expect(stall.upstreamStatus).toBeUndefined();
      expect(stall.outcome).toBe('stalled until the client closed');
      expect(killed.outputs.digest).toBeUndefined();
      proxy.releaseStalls();
      await proxy.settle(1000, 30_000);
      // Interrupted mid-publication: the index is in the registry by digest, the version tag first, then the
      // floating tags one by one; latest (stalled) is not there yet.
      expect(await registryTags(tb.registry, intRepo)).toEqual(['1', '1.2', '1.2.3']);

      proxy.setRules([]);
      const rerun = await mergeRun(image, handoff);
      expect(rerun.exitCode, show(rerun)).toBe(0);
      expect(rerun.outputs.digest).toBe(refDigest);
      expect(rerun.outputs.tags).toBe('1.2.3,1.2,1,latest');
      expect(JSON.parse(rerun.outputs['tag-report'] as string).map((t: { tag: string; status: string }) => `${t.tag}:${t.status}`)).toEqual(['1.2.3:unchanged', '1.2:unchanged', '1:unchanged', 'latest:created']);
      expect(await registryTags(tb.registry, intRepo)).toEqual(TAGS);
      for (const tag of TAGS) expect(sha256((await getManifest(intRepo, tag)).bytes), tag).toBe(refDigest);
      const stored = await storedManifests(intRepo);
      expect(stored).toHaveLength(7);
      expect(stored).toContain(refDigest);
    });
  });

  describe('permanent errors fail fast with the registry code and no retry storm', () => {
    const dockerHint = /Fix: .*docker login localhost:\d+/;

    async function failingBuild(rule: FaultRule): Promise<{ run: ActionRun; repo: string; handoff: string }> {
      const r = `moam-it/${uniqueName('faults-perm')}`;
      const handoff = await tempDir('handoff');
      proxy.setRules([rule]);
      proxy.clearRecords();
      const run = await buildLeg(`${proxy.host}/${r}`, 'linux/amd64', handoff);
      expect(run.exitCode, show(run)).toBe(1);
      // Nothing handed over, nothing tagged, and no root manifest in the registry.
      expect(await readdir(handoff)).toEqual([]);
      expect(await registryTags(tb.registry, r)).toEqual([]);
      return { run, repo: r, handoff };
    }

    // The push-access check (an upload started and cancelled) meets the 401 before anything is built.
    it('build-by-digest: 401 UNAUTHORIZED (JSON body, no challenge) on blob upload start: refused before the build', async () => {
      const rule: FaultRule = { name: '401', method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 401, body: registryErrorBody('UNAUTHORIZED', 'authentication required') } };
      const { run } = await failingBuild(rule);
      expect(run.errors.join('\n')).toMatch(/check push access \(start a blob upload\) failed: 401 UNAUTHORIZED \(authentication required\)/);
      expect(run.errors.join('\n')).toMatch(dockerHint);
      expect(run.stdout).not.toMatch(/::group::Build /);
      expect(proxy.count('POST', rule.path)).toBe(1);
      expect(proxy.faults.length).toBe(1);
      expect(run.stdout).not.toMatch(/attempt 2 of/);
    });

    it('build-by-digest: 401 with a Basic challenge on HEAD blob and no credentials', async () => {
      const rule: FaultRule = { name: '401', method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 401, headers: { 'www-authenticate': 'Basic realm="moam-fault-proxy"' } } };
      const { run } = await failingBuild(rule);
      expect(run.errors.join('\n')).toMatch(/HEAD blob sha256:[0-9a-f]{64} failed: 401 UNAUTHORIZED/);
      expect(run.errors.join('\n')).toMatch(/no credentials for localhost:\d+ were found in the docker config/);
      expect(maxPerPath('HEAD', rule.path)).toBe(1);
      // No retries and no new requests after the first refusal: at most the blobs already in flight (8 at a time).
      expect(proxy.count('HEAD', rule.path)).toBeLessThanOrEqual(8);
    });

    it('build-by-digest: 403 DENIED on manifest PUT', async () => {
      const rule: FaultRule = { name: '403', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 403, body: registryErrorBody('DENIED', 'requested access to the resource is denied') } };
      const { run, repo: r } = await failingBuild(rule);
      expect(run.errors.join('\n')).toMatch(/PUT manifest sha256:[0-9a-f]{64} failed: 403 DENIED \(requested access to the resource is denied\)/);
      expect(proxy.count('PUT', rule.path)).toBe(1);
      expect(await storedManifests(r)).toEqual([]);
    });

    it('build-by-digest: 400 MANIFEST_INVALID on manifest PUT', async () => {
      const rule: FaultRule = { name: '400', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 400, body: registryErrorBody('MANIFEST_INVALID', 'manifest invalid', { reason: 'injected by the fault proxy' }) } };
      const { run, repo: r } = await failingBuild(rule);
      expect(run.errors.join('\n')).toMatch(/PUT manifest sha256:[0-9a-f]{64} failed: 400 MANIFEST_INVALID \(manifest invalid: \{"reason":"injected by the fault proxy"\}/);
      expect(proxy.count('PUT', rule.path)).toBe(1);
      expect(await storedManifests(r)).toEqual([]);
    });

    describe('merge-manifest', () => {
      const permRepo = `moam-it/${uniqueName('faults-perm-merge')}`;
      let handoff = '';
      const image = () => `${proxy.host}/${permRepo}`;

      beforeAll(async () => {
        if (legs && Object.keys(legs.digests).length === 2) handoff = await legsIn(permRepo, image(), legs);
      });

      async function failingMerge(rule: FaultRule): Promise<ActionRun> {
        expect(handoff, 'needs the legs from the build tests').not.toBe('');
        const before = await storedManifests(permRepo);
        proxy.setRules([rule]);
        proxy.clearRecords();
        const run = await mergeRun(image(), handoff);
        expect(run.exitCode, show(run)).toBe(1);
        expect(await registryTags(tb.registry, permRepo)).toEqual([]);
        expect(await storedManifests(permRepo)).toEqual(before);
        return run;
      }

      it('404 MANIFEST_UNKNOWN on a source digest: refused before anything is pushed', async () => {
        const rule: FaultRule = { name: '404', method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'status', status: 404, body: registryErrorBody('MANIFEST_UNKNOWN', 'manifest unknown') } };
        const run = await failingMerge(rule);
        const text = run.errors.join('\n');
        expect(text).toMatch(/the registry does not hold what the records claim; nothing was tagged or pushed/);
        expect(text).toMatch(/GET manifest sha256:[0-9a-f]{64} failed: 404 MANIFEST_UNKNOWN \(manifest unknown\)/);
        expect(maxPerPath('GET', rule.path)).toBe(1);
        expect(proxy.count('GET', rule.path)).toBeLessThanOrEqual(2);
        expect(proxy.count('PUT', /./)).toBe(0);
      });

      // The index goes to the registry by digest before any tag: a refusal there leaves nothing tagged and nothing
      // stored, names the registry's code (our client reads the error body, which buildx would drop), and is not retried.
      it.each([
        [400, 'MANIFEST_INVALID', 'manifest invalid'],
        [403, 'DENIED', 'requested access to the resource is denied'],
        [401, 'UNAUTHORIZED', 'authentication required'],
      ] as const)('%i %s on the index PUT: no retry, no tag PUT, the code named', async (status, code, message) => {
        const rule: FaultRule = { name: String(status), method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status, body: registryErrorBody(code, message) } };
        const run = await failingMerge(rule);
        const text = run.errors.join('\n');
        expect(text).toMatch(new RegExp(`could not be stored in every registry, so no tag was pushed anywhere:[\\s\\S]*PUT manifest sha256:[0-9a-f]{64} failed: ${status} ${code} \\(${message}`));
        expect(text).toMatch(/Re-run the merge job once the registry answers/);
        expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(run.stdout).not.toMatch(/transient registry failure|attempt 2 of/);
        expect(proxy.count('PUT', /\/manifests\/sha256:/)).toBe(1);
        expect(proxy.count('PUT', /\/manifests\/(?!sha256:)/)).toBe(0);
      });
    });
  });
});
