import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createScratch } from '../src/scratch.ts';
import { verifyImage, type VerifyDeps } from '../src/verify/run.ts';
import { readVerifyInputs } from '../src/verify/inputs.ts';
import { parseImageName } from '../src/image.ts';
import type { Digest } from '../src/digest.ts';
import type { Cosign } from '../src/cosign/setup.ts';
import { MemoryRegistry } from './support/memory-registry.ts';
import { type FakeSignature, fakeCosign } from './support/fake-cosign.ts';

const image = parseImageName('localhost:5000/o/app');
const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNER: FakeSignature = { subject: 'https://github.com/o/app/.github/workflows/release.yml@refs/tags/v1.0.0', issuer: ISSUER, repository: 'o/app' };
const SLSA = 'https://slsa.dev/provenance/v0.2';
const SPDX = 'https://spdx.dev/Document';
const cosign: Cosign = { path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] };

/** A released image: an index of amd64 + arm64, each with provenance and SBOM, tagged 1.0.0 and signed throughout. */
function release(opts: { predicates?: string[]; unsigned?: 'amd64' | 'arm64' | 'index'; signer?: FakeSignature } = {}) {
  const registry = new MemoryRegistry();
  const amd64 = registry.addManifest(image, { os: 'linux', architecture: 'amd64' });
  const arm64 = registry.addManifest(image, { os: 'linux', architecture: 'arm64' });
  const predicates = opts.predicates ?? [SLSA, SPDX];
  const index = registry.addIndex(image, [
    { digest: amd64, platform: { os: 'linux', architecture: 'amd64' }, attestation: registry.addAttestation(image, predicates) },
    { digest: arm64, platform: { os: 'linux', architecture: 'arm64' }, attestation: registry.addAttestation(image, [...predicates, 'x']) },
  ]);
  registry.tag(image, '1.0.0', index);
  const signatures = new Map<string, FakeSignature[]>();
  for (const [name, d] of [['index', index], ['amd64', amd64], ['arm64', arm64]] as const) if (opts.unsigned !== name) signatures.set(d, [opts.signer ?? SIGNER]);
  const deps: VerifyDeps = { exec: fakeCosign(signatures), env: {}, registry, sleep: async () => undefined, log: { warning: () => undefined }, scratch: createScratch(os.tmpdir()) };
  return { registry, deps, index, amd64, arm64, signatures };
}

const inputs = (over: Record<string, string> = {}) =>
  readVerifyInputs((k) => ({ image: `${image.name}:1.0.0`, repository: 'o/app', 'require-attestations': 'provenance,sbom', 'certificate-oidc-issuer': ISSUER, ...over })[k] ?? '', {});

describe('verifyImage: the verdict', () => {
  it('verifies the index and every platform, with their attestations', async () => {
    const r = release();
    const report = await verifyImage(inputs({ platforms: 'linux/amd64,linux/arm64' }), cosign, r.deps);
    expect(report.problems).toEqual([]);
    expect(report.verified).toBe(true);
    expect(report.digest).toBe(r.index);
    expect(report.digests.map((d) => `${d.kind}:${d.platform ?? ''}:${d.verified}`)).toEqual(['index::true', 'platform:linux/amd64:true', 'platform:linux/arm64:true']);
    expect(report.digests[1]?.attestations).toEqual({ provenance: true, sbom: true });
    expect(report.digests[0]?.identity).toBe(SIGNER.subject);
  });

  it.each(['index', 'amd64', 'arm64'] as const)('fails when the %s is not signed, naming its digest', async (unsigned) => {
    const r = release({ unsigned });
    const report = await verifyImage(inputs(), cosign, r.deps);
    expect(report.verified).toBe(false);
    const digest = { index: r.index, amd64: r.amd64, arm64: r.arm64 }[unsigned];
    expect(report.problems).toEqual([expect.stringMatching(new RegExp(`${digest}: signature not verified \\(no-signatures`))]);
  });

  it('fails for a signature by another repository, and by an identity that only matches unanchored', async () => {
    expect((await verifyImage(inputs(), cosign, release({ signer: { ...SIGNER, repository: 'evil/app' } }).deps)).verified).toBe(false);
    const prefixed = { ...SIGNER, subject: `https://evil.example/x?${SIGNER.subject}` };
    const report = await verifyImage(inputs(), cosign, release({ signer: prefixed }).deps);
    expect(report.verified).toBe(false);
    expect(report.problems).toHaveLength(3);
  });

  it.each<[string, string[], string, boolean]>([
    ['no SBOM', [SLSA], 'provenance,sbom', false],
    ['no SBOM, only provenance required', [SLSA], 'provenance', true],
    ['no attestations at all, none required', [], 'none', true],
    ['no attestations at all, none required (empty)', [], '', true],
    ['no provenance', [SPDX], 'provenance', false],
  ])('attestations: %s', async (_name, predicates, required, verified) => {
    const report = await verifyImage(inputs({ 'require-attestations': required }), cosign, release({ predicates }).deps);
    expect(report.verified).toBe(verified);
    if (!verified) expect(report.problems.join('\n')).toMatch(/linux\/amd64 sha256:[a-f0-9]{64}: no (sbom|provenance) attestation/);
  });
});

describe('verifyImage: platforms', () => {
  it.each<[string, Record<string, string>, boolean, RegExp?]>([
    ['a subset is enough', { platforms: 'linux/amd64' }, true],
    ['the exact set', { platforms: 'linux/arm64,linux/amd64', 'exact-platforms': 'true' }, true],
    ['a subset with exact-platforms', { platforms: 'linux/amd64', 'exact-platforms': 'true' }, false, /unexpected linux\/arm64 manifest/],
    ['a platform the index lacks', { platforms: 'linux/amd64,linux/s390x' }, false, /the index has no linux\/s390x manifest/],
  ])('%s', async (_name, over, verified, why) => {
    const report = await verifyImage(inputs(over), cosign, release().deps);
    expect(report.verified).toBe(verified);
    if (why) expect(report.problems.join('\n')).toMatch(why);
  });
});

describe('verifyImage: a single platform manifest gets every gate', () => {
  /** An amd64-only image pushed without an index (no attestations), tagged and signed. */
  function single() {
    const registry = new MemoryRegistry();
    const digest = registry.addManifest(image, { os: 'linux', architecture: 'amd64' });
    registry.tag(image, '1.0.0', digest);
    const deps: VerifyDeps = { exec: fakeCosign(new Map([[digest, [SIGNER]]])), env: {}, registry, sleep: async () => undefined, log: { warning: () => undefined }, scratch: createScratch(os.tmpdir()) };
    return { deps, digest };
  }

  it('refuses platforms it is not', async () => {
    const s = single();
    const report = await verifyImage(inputs({ platforms: 'linux/arm64,linux/s390x', 'require-attestations': 'none' }), cosign, s.deps);
    expect(report.verified).toBe(false);
    expect(report.problems).toEqual(['the image is a single linux/amd64 manifest, so it has no linux/arm64 manifest', 'the image is a single linux/amd64 manifest, so it has no linux/s390x manifest']);
    expect(report.digests).toMatchObject([{ kind: 'manifest', platform: 'linux/amd64', verified: true }]);
  });

  it('refuses required attestations it cannot check, saying how to check them', async () => {
    const report = await verifyImage(inputs(), cosign, single().deps);
    expect(report.verified).toBe(false);
    expect(report.problems.join('\n')).toMatch(/is a single platform manifest: its provenance and sbom attestations are kept in the image index that references it.*Verify the index .* or set require-attestations: none/);
  });

  it('passes with its own platform and no attestations required', async () => {
    const report = await verifyImage(inputs({ platforms: 'linux/amd64', 'require-attestations': 'none' }), cosign, single().deps);
    expect(report.problems).toEqual([]);
    expect(report.verified).toBe(true);
  });

  it('a platform manifest of a release, verified by its digest, is checked as one platform too', async () => {
    const r = release();
    const byDigest = (over: Record<string, string>) => inputs({ image: `${image.name}@${r.arm64}`, ...over });
    expect((await verifyImage(byDigest({ platforms: 'linux/amd64' }), cosign, r.deps)).problems.join('\n')).toMatch(/single linux\/arm64 manifest, so it has no linux\/amd64/);
    expect((await verifyImage(byDigest({}), cosign, r.deps)).verified).toBe(false);
    expect((await verifyImage(byDigest({ platforms: 'linux/arm64', 'require-attestations': 'none' }), cosign, r.deps)).verified).toBe(true);
  });

  it('an unsigned single manifest fails', async () => {
    const s = single();
    const registry = s.deps.registry as MemoryRegistry;
    const other = registry.addManifest(image, { os: 'linux', architecture: 's390x' });
    const report = await verifyImage(inputs({ image: `${image.name}@${other as Digest}`, 'require-attestations': 'none' }), cosign, s.deps);
    expect(report.verified).toBe(false);
  });
});

describe('verifyImage: require-github-hosted', () => {
  const HOSTED = { 'dev.moam.runner-environment': 'github-hosted' };
  function built(arm64Runner?: string) {
    const registry = new MemoryRegistry();
    const amd64 = registry.addManifest(image, { os: 'linux', architecture: 'amd64' }, [], HOSTED);
    const arm64 = registry.addManifest(image, { os: 'linux', architecture: 'arm64' }, [], arm64Runner ? { 'dev.moam.runner-environment': arm64Runner } : undefined);
    const index = registry.addIndex(image, [{ digest: amd64, platform: { os: 'linux', architecture: 'amd64' } }, { digest: arm64, platform: { os: 'linux', architecture: 'arm64' } }], { 'dev.moam.runner-environment': arm64Runner === 'github-hosted' ? 'github-hosted' : 'self-hosted' });
    registry.tag(image, '1.0.0', index);
    const deps: VerifyDeps = { exec: fakeCosign(new Map([index, amd64, arm64].map((d) => [d, [SIGNER]]))), env: {}, registry, sleep: async () => undefined, log: { warning: () => undefined }, scratch: createScratch(os.tmpdir()) };
    return deps;
  }
  it('passes when the index and every platform were built on GitHub-hosted runners', async () => {
    expect((await verifyImage(inputs({ 'require-attestations': 'none', 'require-github-hosted': 'true' }), cosign, built('github-hosted'))).problems).toEqual([]);
  });
  it('names a leg built on a self-hosted runner, and one that does not say', async () => {
    const self = await verifyImage(inputs({ 'require-attestations': 'none', 'require-github-hosted': 'true' }), cosign, built('self-hosted'));
    expect(self.verified).toBe(false);
    expect(self.problems.join('\n')).toMatch(/platform linux\/arm64 sha256:[a-f0-9]{64}: built on a self-hosted runner/);
    expect(self.problems.join('\n')).toMatch(/index sha256:[a-f0-9]{64}: built on a self-hosted runner/);
    const unknown = await verifyImage(inputs({ 'require-attestations': 'none', 'require-github-hosted': 'true' }), cosign, built());
    expect(unknown.problems.join('\n')).toMatch(/linux\/arm64 .*: carries no dev\.moam\.runner-environment annotation/);
    expect((await verifyImage(inputs({ 'require-attestations': 'none' }), cosign, built('self-hosted'))).verified).toBe(true);
  });
});

describe('verifyImage: references', () => {
  it('a tag that does not exist is an error naming it', async () => {
    await expect(verifyImage(inputs({ image: `${image.name}:9.9.9` }), cosign, release().deps)).rejects.toThrow(/localhost:5000\/o\/app:9\.9\.9 does not exist/);
  });
});

describe('verifyImage: a second look at what cosign verified', () => {
  it('a signature whose payload names another digest does not count for this one', async () => {
    const r = release();
    const exec = r.deps.exec;
    // cosign says "verified", but the payload it verified covers the amd64 manifest, not the arm64 one asked about.
    r.deps.exec = async (file, args, opts) => {
      const out = await exec(file, args, opts);
      return String(args.at(-1)).endsWith(r.arm64) ? { ...out, stdout: out.stdout.split(r.arm64).join(r.amd64) } : out;
    };
    const report = await verifyImage(inputs(), cosign, r.deps);
    expect(report.verified).toBe(false);
    expect(report.problems).toEqual([expect.stringMatching(new RegExp(`platform linux/arm64 ${r.arm64}: signature not verified \\(wrong-digest: the verified signatures cover ${r.amd64}, not this digest\\)`))]);
  });
});
