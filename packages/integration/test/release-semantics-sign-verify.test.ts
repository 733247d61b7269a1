// Release semantics of sign-recursive and verify on the real registry with the real cosign: every gate of verify on
// every image shape (a single-platform image skipped the platform and attestation gates), key material and tokens
// gone when the sign step ends, and concurrent keyless signs that duplicate a signature reported, not hidden.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  type FulcioStandIn,
  type OidcService,
  buildLegs,
  fetchManifest,
  githubTagEnv,
  merge,
  runBundledAction,
  startCosignMirror,
  startFulcio,
  startOidcService,
  testbed,
  uniqueName,
} from '@moam/testkit';

const tb = testbed();
const PASSWORD = 'moam-semantics';
const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.errors.join('\n')}\n${run.stdout.slice(-4000)}`;
const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-sem-${prefix}-`));
  dirs.push(d);
  return d;
}

let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
let oidc: OidcService;
let fulcio: FulcioStandIn;
let install: Record<string, string>;
let home = '';
let privateKey = '';
let publicKey = '';
let cosignEnv: Record<string, string> = {};

const signKey = (images: string, digest: string, runnerTemp: string, extra: Record<string, string> = {}) =>
  runBundledAction('sign-recursive', { inputs: { images, digest, keyless: 'false', key: privateKey, 'key-password': PASSWORD, 'tlog-upload': 'false', ...install, ...extra }, env: { ...cosignEnv, RUNNER_TEMP: runnerTemp } });
const signKeyless = (images: string, digest: string, runnerTemp: string) =>
  runBundledAction('sign-recursive', { inputs: { images, digest, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install }, env: { ...cosignEnv, ...oidc.env, RUNNER_TEMP: runnerTemp } });
const verifyKey = (image: string, extra: Record<string, string> = {}) =>
  runBundledAction('verify', { inputs: { image, key: publicKey, 'insecure-ignore-tlog': 'true', ...install, ...extra }, env: cosignEnv });

beforeAll(async () => {
  mirror = await startCosignMirror(tb.cosign);
  install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
  oidc = await startOidcService({ claims: { repository: 'moam/app', ref: 'refs/tags/v1.0.0' } });
  fulcio = await startFulcio({ issuers: [oidc] });
  home = await tempDir('home');
  cosignEnv = { ...fulcio.env, HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'moam/app' };
  await promisify(execFile)(tb.cosign, ['generate-key-pair'], { cwd: home, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
  privateKey = await readFile(path.join(home, 'cosign.key'), 'utf8');
  publicKey = path.join(home, 'cosign.pub');
});

afterAll(async () => {
  await Promise.all([mirror?.close(), oidc?.close(), fulcio?.close()]);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('verify applies every gate to every image shape', () => {
  const repo = `moam-it/${uniqueName('sem-verify')}`;
  const image = `${tb.registry}/${repo}`;
  let single = '';
  let index = '';
  let arm64 = '';

  beforeAll(async () => {
    // An amd64-only image without attestations: a single manifest, no index (what `docker push` of a plain build gives).
    const handoff = await tempDir('handoff');
    const leg = await runBundledAction('build-by-digest', {
      inputs: { images: image, platform: 'linux/amd64', context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, provenance: 'false', sbom: 'false' },
      env: { MOAM_HANDOFF_DIR: handoff, ...githubTagEnv('v1.0.0') },
    });
    expect(leg.exitCode, show(leg)).toBe(0);
    single = leg.outputs.digest as string;
    expect((await fetchManifest(tb.registry, repo, single)).json.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    // And a released index of both platforms, with provenance and SBOM.
    const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
    dirs.push(legs.handoff);
    const merged = await merge(image, legs.handoff, githubTagEnv('v1.0.0'));
    expect(merged.exitCode, show(merged)).toBe(0);
    index = merged.outputs.digest as string;
    arm64 = (JSON.parse(merged.outputs.manifest as string) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }).manifests.find((m) => m.platform.architecture === 'arm64')?.digest as string;
    for (const d of [single, index]) expect((await signKey(image, d, await tempDir('rt'))).exitCode).toBe(0);
  });

  it('a single amd64 manifest without attestations is refused for platforms it is not, and for attestations it cannot show', async () => {
    const wrongPlatforms = await verifyKey(`${image}@${single}`, { platforms: 'linux/arm64,linux/s390x', 'require-attestations': 'provenance,sbom' });
    expect(wrongPlatforms.exitCode).toBe(1);
    expect(wrongPlatforms.outputs.verified).toBe('false');
    const text = wrongPlatforms.errors.join('\n');
    expect(text).toMatch(/the image is a single linux\/amd64 manifest, so it has no linux\/arm64 manifest/);
    expect(text).toMatch(/the image is a single linux\/amd64 manifest, so it has no linux\/s390x manifest/);
    expect(text).toMatch(/is a single platform manifest: its provenance and sbom attestations are kept in the image index that references it/);
    const defaults = await verifyKey(`${image}@${single}`);
    expect(defaults.exitCode).toBe(1);
    expect(defaults.errors.join('\n')).toMatch(/set require-attestations: none to check only this manifest's signature and platform/);
  });

  it('the same image passes as what it is: its platform, no attestations required (also as an explicit empty value)', async () => {
    for (const required of ['none', '']) {
      const ok = await verifyKey(`${image}@${single}`, { platforms: 'linux/amd64', 'require-attestations': required });
      expect(ok.exitCode, show(ok)).toBe(0);
      expect(JSON.parse(ok.outputs.report as string).digests).toMatchObject([{ kind: 'manifest', platform: 'linux/amd64', verified: true }]);
    }
  });

  it('a platform digest of the released index gets the same gates', async () => {
    const run = await verifyKey(`${image}@${arm64}`, { platforms: 'linux/amd64' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/single linux\/arm64 manifest, so it has no linux\/amd64 manifest/);
  });

  it('platforms is a lower bound on an index (an extra platform is fine), exact-platforms refuses extras', async () => {
    const subset = await verifyKey(`${image}@${index}`, { platforms: 'linux/amd64' });
    expect(subset.exitCode, show(subset)).toBe(0);
    const exact = await verifyKey(`${image}@${index}`, { platforms: 'linux/amd64', 'exact-platforms': 'true' });
    expect(exact.exitCode).toBe(1);
    expect(exact.errors.join('\n')).toMatch(/the index has an unexpected linux\/arm64 manifest/);
    const both = await verifyKey(`${image}@${index}`, { platforms: 'linux/arm64,linux/amd64', 'exact-platforms': 'true' });
    expect(both.exitCode, show(both)).toBe(0);
  });
});

describe('sign-recursive leaves no key material or token behind', () => {
  const repo = `moam-it/${uniqueName('sem-scratch')}`;
  const image = `${tb.registry}/${repo}`;
  let index = '';
  beforeAll(async () => {
    const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
    dirs.push(legs.handoff);
    const merged = await merge(image, legs.handoff, githubTagEnv('v1.0.0'));
    index = merged.outputs.digest as string;
  });
  const leftovers = async (dir: string) => (await readdir(dir, { recursive: true })).filter((f) => !f.startsWith('cosign-cache'));

  it.each<[string, (rt: string) => Promise<ActionRun>, number]>([
    ['a key-based sign that succeeds', (rt) => signKey(image, index, rt), 0],
    ['a key-based sign that fails (wrong password)', (rt) => signKey(image, index, rt, { 'key-password': 'wrong' }), 1],
    ['a keyless sign that succeeds', (rt) => signKeyless(image, index, rt), 0],
  ])('%s', async (_name, run, exitCode) => {
    const rt = await tempDir('rt');
    const result = await run(rt);
    expect(result.exitCode, show(result)).toBe(exitCode);
    expect(await leftovers(rt)).toEqual([]);
  });
});

describe('concurrent keyless signs', () => {
  it('three concurrent signs of one index: every duplicate signature they could not avoid is reported', async () => {
    const repo = `moam-it/${uniqueName('sem-concurrent')}`;
    const image = `${tb.registry}/${repo}`;
    const legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
    dirs.push(legs.handoff);
    const index = (await merge(image, legs.handoff, githubTagEnv('v1.0.0'))).outputs.digest as string;
    const runs = await Promise.all([1, 2, 3].map(async () => signKeyless(image, index, await tempDir('rt'))));
    for (const r of runs) expect(r.exitCode, show(r)).toBe(0);
    const signed = runs.map((r) => JSON.parse(r.outputs.signed as string) as Array<{ digest: string; status: string; signatures?: number }>);
    const digests = signed[0]?.map((e) => e.digest) ?? [];
    expect(digests).toHaveLength(5);
    let duplicates = 0;
    for (const d of digests) {
      const layers = (await fetchManifest(tb.registry, repo, `${d.replace(':', '-')}.sig`)).json.layers?.length ?? 0;
      const reported = Math.max(0, ...signed.map((s) => s.find((e) => e.digest === d)?.signatures ?? 0));
      // The run whose signature landed last counted after every push: it saw all the layers.
      if (layers > 1) {
        duplicates++;
        expect(reported, `${d}: ${layers} layers`).toBe(layers);
      }
    }
    if (duplicates > 0) expect(runs.some((r) => /now carries \d signatures from this signer/.test(r.stdout) && /\*\*Warning:\*\*/.test(r.summary))).toBe(true);
  });
});
