// The bundled sign-recursive and verify against the test bed's registry through the fault proxy
// (packages/testkit/src/fault-proxy.ts): transient faults in our registry client and in cosign are ridden out and
// leave exactly the signatures a fault-free run leaves (the same .sig tags, one signature layer each, the same
// signed payloads); permanent errors fail fast without retry storms; a SIGKILLed signing re-runs clean.
//
// The sample legs are built and merged once; each scenario signs its own copy of that graph (copied by digest), so
// signatures never leak from one scenario into another. Images are named localhost:<proxyport>/<repo>: cosign and our
// client both speak plain HTTP to loopback registries. Results are read back straight from the registry.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  type FulcioStandIn,
  type OidcService,
  buildLegs,
  githubTagEnv,
  merge,
  registryTags,
  runBundledAction,
  startCosignMirror,
  startFulcio,
  startOidcService,
  testbed,
  uniqueName,
} from '@moam/testkit';
import { type FaultProxy, type FaultRule, registryErrorBody, startFaultProxy } from '../../testkit/src/fault-proxy.ts';

const tb = testbed();
const OUR_CLIENT = /^moam-registry-client\//;
const COSIGN = /^cosign\//;
const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json';
const SIG_MEDIA = 'application/vnd.dev.cosign.simplesigning.v1+json';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

let proxy: FaultProxy;
let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
let oidc: OidcService;
let fulcio: FulcioStandIn;
let install: Record<string, string>;
let home = '';
let privateKey = '';
let publicKeyFile = '';
/** The merged sample: its repository, index digest and the 4 manifests the index lists. */
const srcRepo = `moam-it/${uniqueName('sigfaults-src')}`;
let index = '';
let children: string[] = [];
/** The two platform manifests among the children (what verify checks besides the index). */
let platformDigests: string[] = [];

beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: `http://${tb.registry}`, maxStallMs: 60_000 });
  mirror = await startCosignMirror(tb.cosign);
  install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
  oidc = await startOidcService({ claims: { repository: 'moam/app', ref: 'refs/tags/v1.0.0' } });
  fulcio = await startFulcio({ issuers: [oidc] });
  home = await mkdtemp(path.join(os.tmpdir(), 'moam-sigfaults-home-'));
  await promisify(execFile)(tb.cosign, ['generate-key-pair'], { cwd: home, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
  privateKey = await readFile(path.join(home, 'cosign.key'), 'utf8');
  publicKeyFile = path.join(home, 'cosign.pub');

  const image = `${tb.registry}/${srcRepo}`;
  const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
  const merged = await merge(image, legs.handoff, githubTagEnv('v1.0.0'));
  expect(merged.exitCode, merged.stdout).toBe(0);
  index = merged.outputs.digest as string;
  const listed = (JSON.parse(merged.outputs.manifest as string) as { manifests: Array<{ digest: string; platform?: { os: string } }> }).manifests;
  children = listed.map((m) => m.digest);
  platformDigests = listed.filter((m) => m.platform?.os === 'linux').map((m) => m.digest);
  expect(platformDigests).toHaveLength(2);
  expect(children).toHaveLength(4); // 2 platform manifests + 2 attestation manifests
});

afterAll(async () => {
  await Promise.all([proxy?.close(), mirror?.close(), oidc?.close(), fulcio?.close()]);
  if (home) await rm(home, { recursive: true, force: true });
});

// ------------------------------------------------------------------ helpers

const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`;
const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;
const allDigests = () => [index, ...children];

function cosignEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'moam/app', ...fulcio.env, ...extra };
}

function signKey(repoImage: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  return runBundledAction('sign-recursive', {
    inputs: { images: repoImage, digest: index, keyless: 'false', key: privateKey, 'key-password': PASSWORD, 'tlog-upload': 'false', ...install },
    env: cosignEnv(),
    ...extra,
  });
}

function signKeyless(repoImage: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  return runBundledAction('sign-recursive', {
    inputs: { images: repoImage, digest: index, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install },
    env: cosignEnv(oidc.env),
    ...extra,
  });
}

function verifyKey(ref: string): Promise<ActionRun> {
  return runBundledAction('verify', { inputs: { image: ref, key: publicKeyFile, 'insecure-ignore-tlog': 'true', platforms: 'linux/amd64,linux/arm64', ...install }, env: cosignEnv() });
}

function verifyKeyless(ref: string): Promise<ActionRun> {
  return runBundledAction('verify', { inputs: { image: ref, repository: 'moam/app', 'insecure-ignore-tlog': 'true', ...install }, env: cosignEnv() });
}

interface ManifestJson {
  mediaType?: string;
  manifests?: Array<{ digest: string }>;
  config?: { digest: string };
  layers?: Array<{ digest: string; mediaType: string; annotations?: Record<string, string> }>;
}

async function getManifest(repo: string, ref: string): Promise<{ bytes: Buffer; mediaType: string; json: ManifestJson } | undefined> {
  const res = await fetch(`http://${tb.registry}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${repo} manifest ${ref}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, mediaType: (res.headers.get('content-type') ?? '').split(';')[0] as string, json: JSON.parse(bytes.toString('utf8')) as ManifestJson };
}

/** Copies digest's graph from one repository of the registry to another by digest (blob mounts + manifest PUTs). */
async function copyGraph(from: string, to: string, digest: string, tag?: string): Promise<void> {
  const m = await getManifest(from, digest);
  if (!m) throw new Error(`${from}@${digest} is missing`);
  for (const child of m.json.manifests ?? []) await copyGraph(from, to, child.digest);
  for (const blob of [...(m.json.config ? [m.json.config] : []), ...(m.json.layers ?? [])]) {
    const res = await fetch(`http://${tb.registry}/v2/${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`mount ${blob.digest} from ${from} into ${to}: ${res.status}`);
  }
  for (const ref of [digest, ...(tag ? [tag] : [])]) {
    const res = await fetch(`http://${tb.registry}/v2/${to}/manifests/${ref}`, { method: 'PUT', headers: { 'content-type': m.mediaType }, body: m.bytes });
    if (res.status !== 201) throw new Error(`PUT ${to}:${ref}: ${res.status}`);
  }
}

/** A fresh, unsigned copy of the merged sample (index tagged 1.0.0). */
async function freshRepo(prefix: string): Promise<string> {
  const repo = `moam-it/${uniqueName(prefix)}`;
  await copyGraph(srcRepo, repo, index, '1.0.0');
  return repo;
}

interface SigManifest {
  /** One entry per signature layer: its simple-signing payload with the repository name normalised, and which annotations it carries. */
  layers: Array<{ mediaType: string; payload: string; annotations: string[] }>;
}

/** Every .sig manifest of repo, read from the registry, with its layers' payloads (docker-reference replaced by "<repo>"). */
async function signatures(repo: string, repoImage: string): Promise<Record<string, SigManifest>> {
  const out: Record<string, SigManifest> = {};
  for (const tag of (await registryTags(tb.registry, repo)).filter((t) => t.endsWith('.sig'))) {
    const m = await getManifest(repo, tag);
    const layers: SigManifest['layers'] = [];
    for (const l of m?.json.layers ?? []) {
      const res = await fetch(`http://${tb.registry}/v2/${repo}/blobs/${l.digest}`);
      expect(res.status, `${repo} blob ${l.digest}`).toBe(200);
      const payload = (await res.text()).split(repoImage).join('<repo>');
      layers.push({ mediaType: l.mediaType, payload, annotations: Object.keys(l.annotations ?? {}).sort() });
    }
    out[tag] = { layers };
  }
  return out;
}

/** What the test compares with the reference: tag → the normalised payloads (one per layer). */
function shape(sigs: Record<string, SigManifest>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(sigs).map(([tag, s]) => [tag, s.layers.map((l) => `${l.mediaType} ${l.annotations.join(',')} ${l.payload}`)]));
}

function expectOneLayerEach(sigs: Record<string, SigManifest>, digests: readonly string[]): void {
  expect(Object.keys(sigs).sort()).toEqual(digests.map(sigTag).sort());
  for (const [tag, s] of Object.entries(sigs)) {
    expect(s.layers.length, `${tag}: signature layers`).toBe(1);
    expect(s.layers[0]?.mediaType).toBe(SIG_MEDIA);
  }
}

interface SignedEntry {
  digest: string;
  kind: string;
  platform?: string;
  status: string;
}

const signedOutput = (run: ActionRun) => (JSON.parse(run.outputs.signed ?? '[]') as SignedEntry[]).map((e) => `${e.kind}:${e.platform ?? ''}:${e.digest}:${e.status}`).sort();

/** The digests each `cosign sign` call was for, in order ("<digest> --recursive" for a recursive call). */
function signCalls(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^\[command\] \S*cosign sign (.*) -- \S+@(sha256:[0-9a-f]{64})$/gm)].map((m) => `${m[2]}${/ --recursive\b/.test(` ${m[1]}`) ? ' --recursive' : ''}`);
}

/** PIDs of cosign processes whose argv names repo (an orphan of a killed action). Read-only: /proc. */
function cosignProcessesFor(repo: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0] ?? '') === 'cosign' && argv.some((a) => a.includes(repo))) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const DENIED = registryErrorBody('DENIED', 'requested access to the resource is denied');
const UNAUTHORIZED = registryErrorBody('UNAUTHORIZED', 'authentication required');

// ------------------------------------------------------------------ tests

describe('sign-recursive + verify through registry faults', () => {
  let reference: { repo: string; run: ActionRun; shape: Record<string, string[]> } | undefined;
  let faulted = '';

  it('reference: a fault-free key-based signing of the sample signs the 5 digests once each', async () => {
    const repo = await freshRepo('sigfaults-ref');
    const image = `${proxy.host}/${repo}`;
    proxy.setRules([]);
    const run = await signKey(image);
    expect(run.exitCode, show(run)).toBe(0);
    const sigs = await signatures(repo, image);
    expectOneLayerEach(sigs, allDigests());
    expect(signedOutput(run).every((s) => s.endsWith(':signed'))).toBe(true);
    reference = { repo, run, shape: shape(sigs) };
  });

  it('sign (key) rides out 503/429/500 answers and resets mid-body in our client and in cosign: the same signatures, one layer each', async () => {
    expect(reference, 'needs the reference run').toBeDefined();
    const ref = reference as NonNullable<typeof reference>;
    faulted = await freshRepo('sigfaults-key');
    const image = `${proxy.host}/${faulted}`;
    const rules: FaultRule[] = [
      // Our registry client: the index it reads to list the targets, and the tag list it checks for .sig tags.
      { name: 'client GET index reset mid-body', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } },
      { name: 'client GET tags 503', userAgent: OUR_CLIENT, method: 'GET', path: /\/tags\/list/, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { first: 1 } },
      // cosign (go-containerregistry retries these itself).
      { name: 'cosign HEAD blob 503', userAgent: COSIGN, method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 503 }, schedule: { first: 1 } },
      { name: 'cosign POST upload 429', userAgent: COSIGN, method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { first: 1 } },
      { name: 'cosign PUT .sig 500', userAgent: COSIGN, method: 'PUT', path: /\/manifests\/sha256-[0-9a-f]{64}\.sig$/, fault: { kind: 'status', status: 500 }, schedule: { nth: [1] } },
      // cosign reads the 2nd child manifest and the connection drops mid-body: cosign fails ("unexpected EOF") after
      // having signed the index and the 1st child; our transient retry must re-check and sign only the rest.
      { name: 'cosign GET manifest reset mid-body', userAgent: COSIGN, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { nth: [3] } },
    ];
    proxy.setRules(rules);
    proxy.clearRecords();
    const run = await signKey(image);
    expect(run.exitCode, show(run)).toBe(0);
    for (const rule of rules) expect(proxy.faultsFor(rule.name).length, rule.name).toBe(1);
    expect(run.stdout).toMatch(/::warning::cosign sign .*: transient registry failure \(.*unexpected EOF.*\); retry 1\/4/);
    // The retry asked again what was signed, and signed only the 3 digests the first attempt had not reached.
    expect(signCalls(run)).toEqual([`${index} --recursive`, ...children.slice(1)]);

    // Exactly what the fault-free run left: the same .sig tags, one layer each, the same signed payloads.
    const sigs = await signatures(faulted, image);
    expectOneLayerEach(sigs, allDigests());
    expect(shape(sigs)).toEqual(ref.shape);
    expect(signedOutput(run)).toEqual(signedOutput(ref.run));
    // Every .sig manifest PUT succeeded once: nothing was written twice.
    expect(proxy.requests.filter((r) => r.method === 'PUT' && /\.sig$/.test(r.path) && r.status === 201).length).toBe(5);
  });

  it('verify (key, insecure-ignore-tlog) rides out 429/503 answers and resets mid-body in our client and 503/502/500 answers to cosign', async () => {
    expect(faulted, 'needs the faulted signing').not.toBe('');
    const sigPath = (d: string) => new RegExp(`/manifests/${sigTag(d).replace('.', '\\.')}$`);
    const rules: FaultRule[] = [
      { name: 'client HEAD tag 429', userAgent: OUR_CLIENT, method: 'HEAD', path: /\/manifests\/1\.0\.0$/, fault: { kind: 'status', status: 429, retryAfter: 1 }, schedule: { first: 1 } },
      { name: 'client GET manifest 503', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'status', status: 503, retryAfter: 1 }, schedule: { nth: [1] } },
      { name: 'client GET manifest reset mid-body', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\/sha256:/, fault: { kind: 'reset' }, schedule: { nth: [2, 4] } },
      // One fault on each of the three .sig manifests cosign reads (go-containerregistry retries them).
      { name: 'cosign GET index .sig 503', userAgent: COSIGN, method: 'GET', path: sigPath(index), fault: { kind: 'status', status: 503 }, schedule: { first: 1 } },
      { name: 'cosign GET amd64 .sig 502', userAgent: COSIGN, method: 'GET', path: sigPath(platformDigests[0] as string), fault: { kind: 'status', status: 502 }, schedule: { first: 1 } },
      { name: 'cosign GET arm64 .sig 500', userAgent: COSIGN, method: 'GET', path: sigPath(platformDigests[1] as string), fault: { kind: 'status', status: 500 }, schedule: { first: 1 } },
    ];
    proxy.setRules(rules);
    proxy.clearRecords();
    const run = await verifyKey(`${proxy.host}/${faulted}:1.0.0`);
    expect(run.exitCode, show(run)).toBe(0);
    for (const rule of rules) expect(proxy.faultsFor(rule.name).length, rule.name).toBeGreaterThanOrEqual(1);
    expect(proxy.faults.length).toBeGreaterThanOrEqual(6);
    expect(run.outputs.verified).toBe('true');
    expect(run.outputs.digest).toBe(index);
    const report = JSON.parse(run.outputs.report as string) as { digests: Array<{ kind: string; verified: boolean }> };
    expect(report.digests.map((d) => `${d.kind}:${d.verified}`)).toEqual(['index:true', 'platform:true', 'platform:true']);
  });

  // Found by this test: cosign verify was never retried, so a registry hiccup cosign did not cure was reported as a
  // signature problem (a cut signature-layer read even as "no-match"). Now retried (cosign/verify-run.ts).
  it.each<[string, FaultRule]>([
    ['a reset mid-body on the index .sig manifest GET', { name: 'reset .sig', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'reset' }, schedule: { first: 1 } }],
    ['one 429 with Retry-After on a .sig manifest GET', { name: '429 .sig', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'status', status: 429, retryAfter: 1, body: registryErrorBody('TOOMANYREQUESTS', 'slow down') }, schedule: { first: 1 } }],
    ['a reset mid-body on a signature layer GET (never a "no-match")', { name: 'reset blob', userAgent: COSIGN, method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } }],
  ])('verify rides out %s', async (_name, rule) => {
    expect(faulted, 'needs the faulted signing').not.toBe('');
    proxy.setRules([rule]);
    proxy.clearRecords();
    const run = await verifyKey(`${proxy.host}/${faulted}:1.0.0`);
    expect(proxy.faults).toHaveLength(1);
    expect(run.errors.join('\n')).not.toMatch(/no-match/);
    expect(run.exitCode, show(run)).toBe(0);
  });

  describe('keyless (Fulcio and OIDC stand-ins)', () => {
    let keylessRepo = '';

    it('a cosign sign --recursive that fails partway (503s beyond cosign\'s own retries) is retried without a second signature layer', async () => {
      keylessRepo = await freshRepo('sigfaults-keyless');
      const image = `${proxy.host}/${keylessRepo}`;
      // go-containerregistry tries a PUT 3 times; 3 answers of 503 on the 3rd child's .sig make cosign give up after
      // the index and two children are signed (an ephemeral key per cosign run: cosign's own duplicate detection
      // cannot recognise the earlier signatures).
      const target = children[2] as string;
      const rule: FaultRule = { name: 'PUT .sig 503 x3', userAgent: COSIGN, method: 'PUT', path: new RegExp(`/manifests/${sigTag(target).replace('.', '\\.')}$`), fault: { kind: 'status', status: 503 }, schedule: { first: 3 } };
      proxy.setRules([rule]);
      proxy.clearRecords();
      const run = await signKeyless(image);
      expect(run.exitCode, show(run)).toBe(0);
      expect(proxy.faultsFor(rule.name)).toHaveLength(3);
      expect(run.stdout).toMatch(/transient registry failure .*503.*; retry 1\/4/);
      expect(signCalls(run)).toEqual([`${index} --recursive`, ...children.slice(2)]);
      expect(fulcio.issued.length).toBeGreaterThanOrEqual(2);

      const sigs = await signatures(keylessRepo, image);
      expectOneLayerEach(sigs, allDigests());
      expect(signedOutput(run).every((s) => s.endsWith(':signed'))).toBe(true);
      for (const s of Object.values(sigs)) expect(s.layers[0]?.annotations).toEqual(['dev.cosignproject.cosign/signature', 'dev.sigstore.cosign/certificate', 'dev.sigstore.cosign/chain']);

      const verified = await verifyKeyless(`${proxy.host}/${keylessRepo}:1.0.0`);
      expect(verified.exitCode, show(verified)).toBe(0);
    });

    // Found by this test: the first check for existing signatures ran outside the retries.
    it('a re-run rides out a reset mid-body on a .sig GET while checking existing signatures', async () => {
      expect(keylessRepo).not.toBe('');
      proxy.setRules([{ name: 'cosign GET .sig reset', userAgent: COSIGN, method: 'GET', path: /\.sig$/, fault: { kind: 'reset' }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const run = await signKeyless(`${proxy.host}/${keylessRepo}`);
      expect(proxy.faults).toHaveLength(1);
      expect(run.exitCode, show(run)).toBe(0);
    });

    // Found by this test: a cut check ("no matching signatures: unexpected EOF") was read as "unsigned" and the
    // digest signed a second time. A check cut by the registry is now retried, never read as unsigned.
    it('a re-run with a reset mid-body on a signature layer GET adds no second signature layer', async () => {
      expect(keylessRepo).not.toBe('');
      const image = `${proxy.host}/${keylessRepo}`;
      proxy.setRules([{ name: 'cosign GET blob reset', userAgent: COSIGN, method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'reset' }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const run = await signKeyless(image);
      expect(proxy.faults).toHaveLength(1);
      expectOneLayerEach(await signatures(keylessRepo, image), allDigests());
      expect(run.exitCode, show(run)).toBe(0);
    });
  });

  describe('permanent errors fail fast, without a retry storm', () => {
    async function refused(rules: FaultRule[]): Promise<{ run: ActionRun; repo: string }> {
      const repo = await freshRepo('sigfaults-perm');
      proxy.setRules(rules);
      proxy.clearRecords();
      const started = Date.now();
      const run = await signKey(`${proxy.host}/${repo}`);
      expect(run.exitCode, show(run)).toBe(1);
      // No backoff waits: well under the 1+2+4+8 s our retries would add, and cosign's own 1+3 s.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(run.stdout).not.toMatch(/transient registry failure/);
      expect((await registryTags(tb.registry, repo)).filter((t) => t.endsWith('.sig'))).toEqual([]);
      expect(run.outputs.signed).toBeUndefined();
      return { run, repo };
    }

    it('403 DENIED on the .sig manifest PUT: one PUT, the registry\'s code in the error', async () => {
      const rule: FaultRule = { name: '403', userAgent: COSIGN, method: 'PUT', path: /\.sig$/, fault: { kind: 'status', status: 403, body: DENIED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/^sign-recursive: \S*cosign sign failed \(exit 1\): .*PUT http:\/\/localhost:\d+\/v2\/.*\.sig: DENIED: requested access to the resource is denied$/m);
      expect(proxy.count('PUT', rule.path)).toBe(1);
    });

    it('401 UNAUTHORIZED on the .sig manifest PUT: one PUT, the registry\'s code in the error', async () => {
      const rule: FaultRule = { name: '401', userAgent: COSIGN, method: 'PUT', path: /\.sig$/, fault: { kind: 'status', status: 401, body: UNAUTHORIZED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/^sign-recursive: \S*cosign sign failed \(exit 1\): .*PUT http:\/\/localhost:\d+\/v2\/.*\.sig: UNAUTHORIZED: authentication required$/m);
      expect(proxy.count('PUT', rule.path)).toBe(1);
    });

    it('401 UNAUTHORIZED to our client reading the index: cosign never runs', async () => {
      const rule: FaultRule = { name: '401 client', userAgent: OUR_CLIENT, method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 401, body: UNAUTHORIZED } };
      const { run } = await refused([rule]);
      expect(run.errors.join('\n')).toMatch(/GET manifest sha256:[0-9a-f]{64} failed: 401 UNAUTHORIZED \(authentication required\)\. Fix: .*docker login localhost:\d+/);
      expect(proxy.count('GET', rule.path)).toBe(1);
      expect(proxy.requests.filter((r) => COSIGN.test(r.userAgent))).toEqual([]);
    });
  });

  describe('an interrupted signing re-runs clean', () => {
    it('SIGKILL while cosign waits on a stalled .sig PUT, then a re-run without faults: every digest signed once, the signed ones skipped', async () => {
      const repo = await freshRepo('sigfaults-int');
      const image = `${proxy.host}/${repo}`;
      // Stall the PUT of the 3rd child's signature: the index and the first two children are signed by then.
      const target = children[2] as string;
      proxy.setRules([{ name: 'stall PUT .sig', userAgent: COSIGN, method: 'PUT', path: new RegExp(`/manifests/${sigTag(target).replace('.', '\\.')}$`), fault: { kind: 'stall', maxMs: 60_000 }, schedule: { first: 1 } }]);
      proxy.clearRecords();
      const stalled = proxy.waitFor((r) => r.fault?.kind === 'stall', 30_000);
      const killed = await signKeyless(image, { killAfterMs: 6_000 });
      expect(killed.exitCode, show(killed)).toBe(137);
      const stall = await stalled;
      expect(stall.endedAt, 'the PUT was still stalled when the action was killed').toBeUndefined();
      expect(killed.outputs.signed).toBeUndefined();

      // cosign runs in its own process group and outlives the killed action (see the report: on a cut connection it
      // retries the PUT and would go on signing). Refuse everything it asks from now on, then cut its stalled
      // connection, so it gives up instead of finishing the signing behind our back.
      expect(cosignProcessesFor(repo), 'the orphaned cosign').toHaveLength(1);
      proxy.setRules([{ name: 'deny the orphan', userAgent: COSIGN, path: /./, fault: { kind: 'status', status: 403, body: DENIED } }]);
      expect(proxy.releaseStalls()).toBe(1);
      await until('the orphaned cosign to exit', () => cosignProcessesFor(repo).length === 0, 30_000);
      await proxy.settle(500, 30_000);
      expect(proxy.requests.filter((r) => r.seq > stall.seq && r.status !== undefined && r.status < 400)).toEqual([]);
      const partial = await signatures(repo, image);
      expectOneLayerEach(partial, [index, children[0] as string, children[1] as string]);

      proxy.setRules([]);
      proxy.clearRecords();
      const rerun = await signKeyless(image);
      expect(rerun.exitCode, show(rerun)).toBe(0);
      expect(rerun.stdout).toMatch(/3 of 5 digests already carry a valid signature from this signer; skipping them/);
      const statuses = Object.fromEntries((JSON.parse(rerun.outputs.signed as string) as SignedEntry[]).map((e) => [e.digest, e.status]));
      expect(statuses).toEqual({ [index]: 'skipped', [children[0] as string]: 'skipped', [children[1] as string]: 'skipped', [children[2] as string]: 'signed', [children[3] as string]: 'signed' });
      expect(rerun.summary).toMatch(/2 signed, 3 skipped/);
      expectOneLayerEach(await signatures(repo, image), allDigests());

      const verified = await verifyKeyless(`${image}:1.0.0`);
      expect(verified.exitCode, show(verified)).toBe(0);
    });
  });
});
