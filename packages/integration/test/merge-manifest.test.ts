import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLegs, githubTagEnv, imagetoolsRaw, merge, registryTags, rewriteJson, testbed, uniqueName } from '@moam/testkit';

const tb = testbed();

describe('merge-manifest (bundled, real imagetools + registry)', () => {
  const repo = `moam-it/${uniqueName('merge')}`;
  const image = `${tb.registry}/${repo}`;
  let legs: { handoff: string; digests: Record<string, string> };

  beforeAll(async () => {
    legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
  });

  async function copyOfHandoff(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
    await cp(legs.handoff, dir, { recursive: true });
    return dir;
  }

  it('refuses a set with the arm64 leg missing; the tag list is unchanged', async () => {
    const dir = await copyOfHandoff();
    await rm(path.join(dir, 'digests-linux-arm64'), { recursive: true });
    const run = await merge(image, dir, githubTagEnv('v1.2.3'));
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/missing platform linux\/arm64/);
    expect(run.errors.join('\n')).toMatch(/nothing was tagged or pushed/);
    expect(await registryTags(tb.registry, repo)).toEqual([]);
  });

  it('refuses a record whose platform lies, naming what the digest really is', async () => {
    const dir = await copyOfHandoff();
    await rewriteJson(path.join(dir, 'digests-linux-arm64', 'linux-arm64.json'), (r) => ({ ...r, digest: legs.digests['linux/amd64'] }));
    const run = await merge(image, dir, githubTagEnv('v1.2.3'));
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/linux\/arm64: the record lies: .* is linux\/amd64, not linux\/arm64/);
    expect(await registryTags(tb.registry, repo)).toEqual([]);
  });

  it('refuses a non-SemVer git tag with the accepted forms', async () => {
    const run = await merge(image, legs.handoff, githubTagEnv('release-2026'));
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/release-2026/);
    expect(run.errors.join('\n')).toMatch(/v1\.2\.3/);
    expect(await registryTags(tb.registry, repo)).toEqual([]);
  });

  it('dry-run computes everything and pushes nothing', async () => {
    const run = await merge(image, legs.handoff, githubTagEnv('v1.2.3'), { 'dry-run': 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.tags).toBe('1.2.3,1.2,1,latest');
    expect(JSON.parse(run.outputs.manifest as string).manifests).toHaveLength(4);
    expect(await registryTags(tb.registry, repo)).toEqual([]);
  });

  let stableDigest = '';
  it('publishes a stable release: 2 platforms, 2 attestation manifests, version, minor, major and latest', async () => {
    const run = await merge(image, legs.handoff, githubTagEnv('v1.2.3'));
    expect(run.exitCode, run.stdout).toBe(0);
    stableDigest = run.outputs.digest as string;
    expect(run.outputs.tags).toBe('1.2.3,1.2,1,latest');
    expect(run.outputs.version).toBe('1.2.3');
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');
    expect(await registryTags(tb.registry, repo)).toEqual(['1', '1.2', '1.2.3', 'latest']);
    const index = await imagetoolsRaw(`${image}:latest`);
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown']);
    expect(index.annotations?.['org.opencontainers.image.version']).toBe('1.2.3');
    expect(index.annotations?.['org.opencontainers.image.created']).toBe('2025-11-28T03:20:00Z');
    expect(run.summary).toContain('| `linux/arm64` |');
  });

  it('re-running the merge on the same digests gives the same index digest and no new tags', async () => {
    const run = await merge(image, legs.handoff, githubTagEnv('v1.2.3'));
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.digest).toBe(stableDigest);
    expect(await registryTags(tb.registry, repo)).toEqual(['1', '1.2', '1.2.3', 'latest']);
  });

  it('publishes a prerelease (0.0.1-rc1) with its version tag only: latest does not move', async () => {
    const run = await merge(image, legs.handoff, githubTagEnv('0.0.1-rc1'), { latest: 'true' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.tags).toBe('0.0.1-rc1');
    expect(await registryTags(tb.registry, repo)).toEqual(['0.0.1-rc1', '1', '1.2', '1.2.3', 'latest']);
    const latest = await fetch(`http://${tb.registry}/v2/${repo}/manifests/latest`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.index.v1+json' } });
    expect(latest.headers.get('docker-content-digest')).toBe(stableDigest);
  });
});
