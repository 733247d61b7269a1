// Test support for the files that sign and verify a real sample on the test bed's plain registry: the cosign mirror,
// the OIDC and Fulcio stand-ins, a cosign key pair, and the sample app's two legs built and merged into one index
// (tagged 1.0.0 by the v1.0.0 release). Building the legs is the expensive part (seconds): once per test file.
// The values below are set by startSigningSample (beforeAll) and read through live bindings.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { type FulcioStandIn, type OidcService, buildLegs, githubTagEnv, merge, startCosignMirror, startFulcio, startOidcService, testbed, uniqueName } from '@moam/testkit';

const tb = testbed();
const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json';
export const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

export let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
export let oidc: OidcService;
export let fulcio: FulcioStandIn;
/** The cosign-* inputs that install cosign from the mirror. */
export let install: Record<string, string>;
export let home = '';
export let privateKey = '';
export let publicKeyFile = '';
/** The merged sample: its repository, index digest and the 4 manifests the index lists. */
export let sampleRepo = '';
export let index = '';
export let children: string[] = [];
/** The two platform manifests among the children (what verify checks besides the index). */
export let platformDigests: string[] = [];

/** Starts the stand-ins, makes a key pair in homeDir, and builds and merges the sample into repo. */
export async function startSigningSample(repo: string, homeDir: string): Promise<void> {
  mirror = await startCosignMirror(tb.cosign);
  install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
  oidc = await startOidcService({ claims: { repository: 'moam/app', ref: 'refs/tags/v1.0.0' } });
  fulcio = await startFulcio({ issuers: [oidc] });
  home = homeDir;
  await promisify(execFile)(tb.cosign, ['generate-key-pair'], { cwd: home, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
  privateKey = await readFile(path.join(home, 'cosign.key'), 'utf8');
  publicKeyFile = path.join(home, 'cosign.pub');

  sampleRepo = repo;
  const image = `${tb.registry}/${repo}`;
  const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
  const merged = await merge(image, legs.handoff, githubTagEnv('v1.0.0'));
  expect(merged.exitCode, merged.stdout).toBe(0);
  index = merged.outputs.digest as string;
  const listed = (JSON.parse(merged.outputs.manifest as string) as { manifests: Array<{ digest: string; platform?: { os: string } }> }).manifests;
  children = listed.map((m) => m.digest);
  platformDigests = listed.filter((m) => m.platform?.os === 'linux').map((m) => m.digest);
}

export async function stopSigningSample(): Promise<void> {
  await Promise.all([mirror?.close(), oidc?.close(), fulcio?.close()]);
}

/** The environment of a sign or verify step: cosign's home, the GitHub context and the Fulcio stand-in's trust. */
export function cosignEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'moam/app', ...fulcio.env, ...extra };
}

interface ManifestJson {
  mediaType?: string;
  manifests?: Array<{ digest: string }>;
  config?: { digest: string };
  layers?: Array<{ digest: string; mediaType: string; annotations?: Record<string, string> }>;
}

export async function getManifest(repo: string, ref: string): Promise<{ bytes: Buffer; mediaType: string; json: ManifestJson } | undefined> {
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

/** A fresh, unsigned copy of the merged sample (index tagged 1.0.0) in a new repository; returns its name. */
export async function freshRepo(prefix: string): Promise<string> {
  const repo = `moam-it/${uniqueName(prefix)}`;
  await copyGraph(sampleRepo, repo, index, '1.0.0');
  return repo;
}
