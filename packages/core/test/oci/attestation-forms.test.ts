// BuildKit's attestation manifests in the OCI artifact form (oci-artifact=true; BuildKit >= 0.19, the default from
// 0.32), from the hand-written fixture in test/fixtures/oci (sources in its README): merge's checks, sign's targets
// and verify's attestation gate treat it as they treat the legacy form, and never as an unknown/unknown platform.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIndex, indexOf, isAttestation, platformEntries } from '../../src/oci/index-entries.ts';
import { type OciManifestJson, parseManifestJson, sha256Digest } from '../../src/oci/manifest.ts';
import { signTargets } from '../../src/sign/targets.ts';
import { verifyImage } from '../../src/verify/run.ts';
import { readVerifyInputs } from '../../src/verify/inputs.ts';
import { parseImageName } from '../../src/image.ts';
import { parsePlatform } from '../../src/platform.ts';
import { parseDigest } from '../../src/digest.ts';
import { createScratch } from '../../src/scratch.ts';
import type { Cosign } from '../../src/cosign/setup.ts';
import { MemoryRegistry, OCI_INDEX } from '../support/memory-registry.ts';
import { fakeCosign } from '../support/fake-cosign.ts';

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/oci/attestation-artifact-form.json'), 'utf8')) as { index: OciManifestJson; attestation: OciManifestJson };
const attestationBytes = Buffer.from(JSON.stringify(fixture.attestation, null, 2));
const index = indexOf(parseManifestJson(Buffer.from(JSON.stringify(fixture.index))));
const [imageDesc, attDesc] = index.manifests;
const AMD64 = parsePlatform('linux/amd64');

describe('the artifact-form fixture', () => {
  it('is what BuildKit writes: the index descriptor digest is the sha256 of the manifest bytes, subject = the image', () => {
    expect(sha256Digest(attestationBytes)).toBe(attDesc?.digest);
    expect(attestationBytes.length).toBe(attDesc?.size);
    expect(fixture.attestation.artifactType).toBe('application/vnd.docker.attestation.manifest.v1+json');
    expect(fixture.attestation.subject).toEqual({ mediaType: imageDesc?.mediaType, digest: imageDesc?.digest, size: imageDesc?.size });
  });
});

describe('an index with an artifact-form attestation', () => {
  it('has one platform, linux/amd64, with its attestation manifest; the attestation is no platform', () => {
    expect(platformEntries(index)).toEqual([{ platform: 'linux/amd64', digest: imageDesc?.digest, size: imageDesc?.size, attestation: { digest: attDesc?.digest, size: attDesc?.size } }]);
    expect(checkIndex(index, [AMD64], { requireAttestations: true, exact: true }).problems).toEqual([]);
  });

  it('recognises an attestation descriptor by its artifactType alone (no BuildKit annotations, e.g. from the referrers API)', () => {
    const bare = { mediaType: attDesc?.mediaType as string, digest: attDesc?.digest as ReturnType<typeof parseDigest>, size: attDesc?.size as number, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' };
    expect(isAttestation(bare)).toBe(true);
    const withBare = indexOf({ ...index, manifests: [index.manifests[0] as NonNullable<typeof imageDesc>, bare] });
    expect(platformEntries(withBare).map((e) => e.platform)).toEqual(['linux/amd64']);
    expect(checkIndex(withBare, [AMD64], { requireAttestations: false, exact: true }).problems).toEqual([]);
  });

  it('sign covers the index, the image and the attestation, which it labels with the platform it describes', () => {
    const root = parseDigest(`sha256:${'1'.repeat(64)}`);
    expect(signTargets(root, OCI_INDEX, index, true)).toEqual([
      { digest: root, kind: 'index' },
      { digest: imageDesc?.digest, kind: 'platform', platform: 'linux/amd64' },
      { digest: attDesc?.digest, kind: 'attestation', platform: 'linux/amd64' },
    ]);
  });

  it('verify reads provenance (SLSA v1) and SBOM from it', async () => {
    const registry = new MemoryRegistry();
    const image = parseImageName('localhost:5000/o/app');
    registry.storeBytes(image, attestationBytes, 'application/vnd.oci.image.manifest.v1+json');
    const root = registry.store(image, fixture.index as Record<string, unknown>, OCI_INDEX);
    const signer = { subject: 'https://github.com/o/app/.github/workflows/release.yml@refs/tags/v1.0.0', issuer: 'https://token.actions.githubusercontent.com', repository: 'o/app' };
    const signatures = new Map([root, imageDesc?.digest as string].map((d) => [d, [signer]]));
    const scratch = createScratch(os.tmpdir());
    const inputs = readVerifyInputs((k) => ({ image: `${image.name}@${root}`, repository: 'o/app', platforms: 'linux/amd64', 'exact-platforms': 'true', 'require-attestations': 'provenance,sbom' })[k] ?? '', {});
    const cosign: Cosign = { path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] };
    const report = await verifyImage(inputs, cosign, { exec: fakeCosign(signatures), env: {}, registry, sleep: async () => undefined, log: { warning: () => undefined }, scratch });
    await scratch.dispose();
    expect(report.problems).toEqual([]);
    expect(report.digests.map((d) => `${d.kind}:${d.platform ?? ''}`)).toEqual(['index:', 'platform:linux/amd64']);
    expect(report.digests[1]?.attestations).toEqual({ provenance: true, sbom: true });
  });
});
