import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundledAction, testbed, uniqueName, githubTagEnv } from '@moam/testkit';
import { startArtifactService, type ArtifactService } from '../../testkit/src/artifact-service.ts';

// The digest hand-off on GitHub: the real @actions/artifact client inside the bundled actions talks
// to a stand-in of GitHub's results service (Twirp + blob upload), the only part we cannot reach.
const tb = testbed();

describe('digest hand-off through @actions/artifact (results service stand-in)', () => {
  let service: ArtifactService;
  const image = `${tb.registry}/moam-it/${uniqueName('artifact')}`;
  beforeAll(async () => {
    service = await startArtifactService();
  });
  afterAll(async () => service?.close());

  const leg = (platform: string, attempt = 1) =>
    runBundledAction('build-by-digest', {
      inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
      env: { ...service.envFor({ job: `build-${platform.replace('/', '-')}`, attempt }), MOAM_HANDOFF_DIR: undefined, GITHUB_ACTIONS: undefined },
    });

  it('each leg uploads its record; the merge downloads both and publishes', async () => {
    const runs = await Promise.all([leg('linux/amd64'), leg('linux/arm64')]);
    for (const r of runs) {
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toContain('Digest hand-off: GitHub Actions artifacts');
    }
    expect(service.artifacts.map((a) => a.name).sort()).toEqual(['digests-linux-amd64', 'digests-linux-arm64']);
    const merged = await runBundledAction('merge-manifest', {
      inputs: { images: image, platforms: 'linux/amd64,linux/arm64' },
      env: { ...service.envFor({ job: 'merge' }), ...githubTagEnv('v2.0.0'), GITHUB_RUN_ID: service.runId, MOAM_HANDOFF_DIR: undefined, GITHUB_ACTIONS: undefined },
    });
    expect(merged.exitCode, merged.stdout).toBe(0);
    expect(merged.outputs.tags).toBe('2.0.0,2.0,2,latest');
  });

  // GitHub's service refuses a second upload under one name in a run, re-run attempts included (409); the leg
  // deletes its earlier attempt's artifact by name first, as upload-artifact's overwrite does.
  it('re-running a leg that had uploaded, in a new run attempt, replaces its artifact; the merge reads the new one', async () => {
    const first = service.artifacts.find((a) => a.name === 'digests-linux-arm64');
    const again = await leg('linux/arm64', 2);
    expect(again.exitCode, again.stdout).toBe(0);
    const now = service.artifacts.filter((a) => a.name === 'digests-linux-arm64');
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(first?.id);
    expect(now[0]?.attempt).toBe(2);
    expect(service.calls.filter((c) => c.method === 'DeleteArtifact').map((c) => c.status)).toContain(200);
    expect(service.calls.some((c) => c.method === 'CreateArtifact' && c.status === 409)).toBe(false);
  });
});
