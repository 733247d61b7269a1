// Test support for the sign-recursive + verify fault files (faults-sign-verify-*.test.ts): the fault proxy
// (packages/testkit/src/fault-proxy.ts) in front of the test bed's registry, the signing sample
// (signing-sample.ts), sign and verify runs through the proxy, and what the registry holds afterwards.
// Images are named localhost:<proxyport>/<repo>: cosign and our client both speak plain HTTP to loopback registries.
// Results are read back straight from the registry.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { type ActionRun, registryTags, runBundledAction, testbed, uniqueName } from '@moam/testkit';
import { type FaultProxy, registryErrorBody, startFaultProxy } from '../../../testkit/src/fault-proxy.ts';
import { PASSWORD, children, cosignEnv, fulcio, getManifest, index, install, oidc, platformDigests, privateKey, publicKeyFile, startSigningSample, stopSigningSample } from './signing-sample.ts';
import { removeTempDirs, tempDir } from './temp-dirs.ts';

const tb = testbed();
export const OUR_CLIENT = /^moam-registry-client\//;
export const COSIGN = /^cosign\//;
const SIG_MEDIA = 'application/vnd.dev.cosign.simplesigning.v1+json';

export let proxy: FaultProxy;

/** beforeAll: the fault proxy, then the signing sample (built and merged once per file). */
export async function startSignFaults(): Promise<void> {
  proxy = await startFaultProxy({ upstream: `http://${tb.registry}`, maxStallMs: 60_000 });
  await startSigningSample(`moam-it/${uniqueName('sigfaults-src')}`, await tempDir('sigfaults-home'));
  expect(platformDigests).toHaveLength(2);
  expect(children).toHaveLength(4); // 2 platform manifests + 2 attestation manifests
}

export async function stopSignFaults(): Promise<void> {
  await Promise.all([proxy?.close(), stopSigningSample()]);
  await removeTempDirs();
}

export const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`;
export const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;
export const allDigests = () => [index, ...children];

export function signKey(repoImage: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  return runBundledAction('sign-recursive', {
    inputs: { images: repoImage, digest: index, keyless: 'false', key: privateKey, 'key-password': PASSWORD, 'tlog-upload': 'false', ...install },
    env: cosignEnv(),
    ...extra,
  });
}

export function signKeyless(repoImage: string, extra: { killAfterMs?: number } = {}): Promise<ActionRun> {
  return runBundledAction('sign-recursive', {
    inputs: { images: repoImage, digest: index, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install },
    env: cosignEnv(oidc.env),
    ...extra,
  });
}

export function verifyKey(ref: string): Promise<ActionRun> {
  return runBundledAction('verify', { inputs: { image: ref, key: publicKeyFile, 'insecure-ignore-tlog': 'true', platforms: 'linux/amd64,linux/arm64', ...install }, env: cosignEnv() });
}

export function verifyKeyless(ref: string): Promise<ActionRun> {
  return runBundledAction('verify', { inputs: { image: ref, repository: 'moam/app', 'insecure-ignore-tlog': 'true', ...install }, env: cosignEnv() });
}

interface SigManifest {
  /** One entry per signature layer: its simple-signing payload with the repository name normalised, and which annotations it carries. */
  layers: Array<{ mediaType: string; payload: string; annotations: string[] }>;
}

/** Every .sig manifest of repo, read from the registry, with its layers' payloads (docker-reference replaced by "<repo>"). */
export async function signatures(repo: string, repoImage: string): Promise<Record<string, SigManifest>> {
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
export function shape(sigs: Record<string, SigManifest>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(sigs).map(([tag, s]) => [tag, s.layers.map((l) => `${l.mediaType} ${l.annotations.join(',')} ${l.payload}`)]));
}

export function expectOneLayerEach(sigs: Record<string, SigManifest>, digests: readonly string[]): void {
  expect(Object.keys(sigs).sort()).toEqual(digests.map(sigTag).sort());
  for (const [tag, s] of Object.entries(sigs)) {
    expect(s.layers.length, `${tag}: signature layers`).toBe(1);
    expect(s.layers[0]?.mediaType).toBe(SIG_MEDIA);
  }
}

export interface SignedEntry {
  digest: string;
  kind: string;
  platform?: string;
  status: string;
}

export const signedOutput = (run: ActionRun) => (JSON.parse(run.outputs.signed ?? '[]') as SignedEntry[]).map((e) => `${e.kind}:${e.platform ?? ''}:${e.digest}:${e.status}`).sort();

/** The digests each `cosign sign` call was for, in order ("<digest> --recursive" for a recursive call). */
export function signCalls(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^\[command\] \S*cosign sign (.*) -- \S+@(sha256:[0-9a-f]{64})$/gm)].map((m) => `${m[2]}${/ --recursive\b/.test(` ${m[1]}`) ? ' --recursive' : ''}`);
}

/** PIDs of cosign processes whose argv names repo (an orphan of a killed action). Read-only: /proc. */
export function cosignProcessesFor(repo: string): number[] {
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

export async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const DENIED = registryErrorBody('DENIED', 'requested access to the resource is denied');
export const UNAUTHORIZED = registryErrorBody('UNAUTHORIZED', 'authentication required');

