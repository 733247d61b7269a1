import { describe, expect, it } from 'vitest';
import { imagetoolsRaw, testbed, tool, uniqueName, withRetries } from '@moam/testkit';

// The foundation works: both platforms build on the test bed with provenance and SBOM, and arm64 really runs.
describe('smoke: two-platform build with attestations on the test bed', () => {
  const tb = testbed();
  const ref = `${tb.registry}/moam-it/${uniqueName('smoke')}:1`;

  it('builds linux/amd64 + linux/arm64 with provenance and SBOM and pushes an index', async () => {
    // A tagged multi-platform push makes registry 2.8 race on the tag link file (a transient 500 on HEAD): retry like a user would.
    await withRetries(3, () =>
      tool('docker', [
        'buildx', 'build', '--platform=linux/amd64,linux/arm64', '--provenance=mode=max', `--attest=type=sbom,generator=${tb.sbomGenerator}`,
        `--build-arg=BUSYBOX_IMAGE=${tb.busyboxImage}`, `--tag=${ref}`, '--push', tb.sampleApp,
      ]),
    );
    const index = await imagetoolsRaw(ref);
    const platforms = index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort();
    expect(platforms).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown']);
    const images = index.manifests.filter((m) => m.platform?.os === 'linux');
    const attestations = index.manifests.filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(attestations.map((a) => a.annotations?.['vnd.docker.reference.digest']).sort()).toEqual(images.map((i) => i.digest).sort());

    const provenance = JSON.parse(await tool('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .Provenance}}'])) as Record<string, { SLSA?: { buildType?: string } }>;
    const sbom = JSON.parse(await tool('docker', ['buildx', 'imagetools', 'inspect', ref, '--format', '{{json .SBOM}}'])) as Record<string, { SPDX?: { spdxVersion?: string; files?: Array<{ fileName: string }> } }>;
    for (const p of ['linux/amd64', 'linux/arm64']) {
      expect(provenance[p]?.SLSA?.buildType).toMatch(/buildkit/);
      expect(sbom[p]?.SPDX?.spdxVersion).toBe('SPDX-2.3');
      expect(sbom[p]?.SPDX?.files?.map((f) => f.fileName)).toContain('/bin/busybox');
    }
  });

  it('runs the arm64 image under emulation and prints aarch64', async () => {
    expect((await tool('docker', ['run', '--rm', '--pull=always', '--platform=linux/arm64', ref])).trim()).toContain('aarch64');
    expect((await tool('docker', ['run', '--rm', '--platform=linux/amd64', ref])).trim()).toContain('x86_64');
  });
});
