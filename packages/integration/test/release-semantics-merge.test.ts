// Release semantics of merge-manifest on the real registry, tried the adversarial way: late and concurrent releases,
// re-released versions, a race for one version tag, a registry that goes away halfway. Each case was a defect; each
// test failed before its fix (floating tags moved backwards, version tags were replaced silently, the loser of a
// race published and failed with an empty digest, an outage left one registry tagged and the other not).
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, type Legs, buildLegs, githubTagEnv, legsIn, merge, registryTags, rewriteJson, tagDigest, testbed, uniqueName } from '@moam/testkit';
import { type FaultProxy, startFaultProxy } from '../../testkit/src/fault-proxy.ts';

const tb = testbed();
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
let legs: Legs;
const dirs: string[] = [];
const proxies: FaultProxy[] = [];

const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.errors.join('\n')}\n${run.stdout.slice(-4000)}`;
const report = (run: ActionRun) => (JSON.parse(run.outputs['tag-report'] ?? '[]') as Array<{ image: string; tag: string; status: string }>).map((t) => `${t.tag}:${t.status}`);

/** A new repository holding the legs (copied by digest), and a hand-off naming `image` (default: that repository). */
async function fresh(name: string, image?: (repo: string) => string): Promise<{ repo: string; image: string; handoff: string }> {
  const repo = `moam-it/${uniqueName(name)}`;
  const img = image ? image(repo) : `${tb.registry}/${repo}`;
  const handoff = await legsIn(tb.registry, legs, repo, img);
  dirs.push(handoff);
  return { repo, image: img, handoff };
}

beforeAll(async () => {
  const repo = `moam-it/${uniqueName('sem-legs')}`;
  const built = await buildLegs(`${tb.registry}/${repo}`, PLATFORMS);
  legs = { repo, handoff: built.handoff, digests: built.digests };
  dirs.push(built.handoff);
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('floating tags only move forward', () => {
  it('a late 1.2.0 after 1.3.0 leaves latest and 1 on 1.3.0, tags 1.2.0 and 1.2, and says so', async () => {
    const r = await fresh('sem-late');
    const newer = await merge(r.image, r.handoff, githubTagEnv('v1.3.0'));
    expect(newer.exitCode, show(newer)).toBe(0);
    const late = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'));
    expect(late.exitCode, show(late)).toBe(0);
    expect(await tagDigest(tb.registry, r.repo, 'latest')).toBe(newer.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1')).toBe(newer.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1.2')).toBe(late.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1.2.0')).toBe(late.outputs.digest);
    expect(late.outputs.tags).toBe('1.2.0,1.2');
    expect(report(late)).toEqual(['1.2.0:created', '1.2:created', '1:skipped', 'latest:skipped']);
    expect(late.stdout).toMatch(/::warning::.*latest stays on sha256:[0-9a-f]{64} \(version 1\.3\.0\), which is newer than 1\.2\.0: floating tags only move forward/);
    expect(late.summary).toMatch(/`latest` \| floating \| .*\(1\.3\.0\) \| .*\(1\.3\.0\) \| \*\*left on a newer release\*\*/);
  });

  it('force-floating-tags moves them back (a rollback), with a warning', async () => {
    const r = await fresh('sem-rollback');
    expect((await merge(r.image, r.handoff, githubTagEnv('v1.3.0'))).exitCode).toBe(0);
    const back = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'), { 'force-floating-tags': 'true' });
    expect(back.exitCode, show(back)).toBe(0);
    expect(await tagDigest(tb.registry, r.repo, 'latest')).toBe(back.outputs.digest);
    expect(back.stdout).toMatch(/latest moves back from 1\.3\.0 to 1\.2\.0 \(force-floating-tags: true\)/);
  });

  // Before the fix, latest and 1 ended on 1.2.0 in most trials: both runs read nothing newer, the slower push won.
  it.each([1, 2, 3, 4])('concurrent merges of 1.2.0 and 1.3.0 leave latest and 1 on 1.3.0 (trial %i)', async () => {
    const r = await fresh('sem-race');
    const [older, newer] = await Promise.all([merge(r.image, r.handoff, githubTagEnv('v1.2.0')), merge(r.image, r.handoff, githubTagEnv('v1.3.0'))]);
    expect(older.exitCode, show(older)).toBe(0);
    expect(newer.exitCode, show(newer)).toBe(0);
    expect(await tagDigest(tb.registry, r.repo, 'latest')).toBe(newer.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1')).toBe(newer.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1.2')).toBe(older.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1.3')).toBe(newer.outputs.digest);
  });
});

describe('a version tag is an immutable release', () => {
  it('merging 1.2.0 again into another index is refused and changes nothing; overwrite-version-tag moves it, naming both digests', async () => {
    const r = await fresh('sem-immutable');
    const first = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'));
    expect(first.exitCode, show(first)).toBe(0);
    const before = await registryTags(tb.registry, r.repo);
    // Another index for the same version: the same legs with another index annotation.
    const again = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'), { annotations: 'org.example.rebuild=1' });
    expect(again.exitCode).toBe(1);
    expect(again.errors.join('\n')).toMatch(new RegExp(`an existing release would be replaced; nothing was tagged or pushed[\\s\\S]*${r.image.replace(/[.]/g, '\\.')}:1\\.2\\.0 already points to ${first.outputs.digest} \\(version 1\\.2\\.0\\), not to this run's index sha256:[0-9a-f]{64}: a version tag is an immutable release`));
    expect(await registryTags(tb.registry, r.repo)).toEqual(before);
    for (const t of before) expect(await tagDigest(tb.registry, r.repo, t)).toBe(first.outputs.digest);

    const forced = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'), { annotations: 'org.example.rebuild=1', 'overwrite-version-tag': 'true' });
    expect(forced.exitCode, show(forced)).toBe(0);
    expect(await tagDigest(tb.registry, r.repo, '1.2.0')).toBe(forced.outputs.digest);
    expect(forced.stdout).toContain(`:1.2.0 moves from ${first.outputs.digest} to ${forced.outputs.digest} (overwrite-version-tag: true)`);
  });

  it('re-running with the same digests is a no-op', async () => {
    const r = await fresh('sem-rerun');
    const first = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'));
    const again = await merge(r.image, r.handoff, githubTagEnv('v1.2.0'));
    expect(again.exitCode, show(again)).toBe(0);
    expect(again.outputs.digest).toBe(first.outputs.digest);
    expect(report(again)).toEqual(['1.2.0:unchanged', '1.2:unchanged', '1:unchanged', 'latest:unchanged']);
  });
});

describe('a lost race is reported, not hidden', () => {
  // Deterministic interleaving through two proxies onto the same registry storage: B reads (1.5.0 absent) and its
  // tag PUT is held; A reads, publishes 1.5.0 and its check of the tag is held; B's PUT lands; A's check sees B's.
  it('the run whose version tag another run took fails naming every tag, and still outputs its digest', async () => {
    const pa = await startFaultProxy({ upstream: `http://${tb.registry}` });
    const pb = await startFaultProxy({ upstream: `http://${tb.registry}` });
    proxies.push(pa, pb);
    const r = await fresh('sem-lost');
    const handoffA = await legsIn(tb.registry, legs, r.repo, `${pa.host}/${r.repo}`);
    const handoffB = await legsIn(tb.registry, legs, r.repo, `${pb.host}/${r.repo}`);
    dirs.push(handoffA, handoffB);
    pb.setRules([{ name: 'hold B tag PUT', method: 'PUT', path: /\/manifests\/1\.5\.0$/, fault: { kind: 'delay', ms: 9000 }, schedule: { first: 1 } }]);
    pa.setRules([{ name: 'hold A check', method: 'HEAD', path: /\/manifests\/1\.5\.0$/, fault: { kind: 'delay', ms: 14000 }, schedule: { nth: [2] } }]);
    const bHeld = pb.waitFor((q) => q.method === 'PUT' && /\/manifests\/1\.5\.0$/.test(q.path), 120_000);
    const b = merge(`${pb.host}/${r.repo}`, handoffB, githubTagEnv('v1.5.0'), { annotations: 'org.example.run=b' });
    await bHeld;
    const a = await merge(`${pa.host}/${r.repo}`, handoffA, githubTagEnv('v1.5.0'), { annotations: 'org.example.run=a' });
    const bRun = await b;
    expect(bRun.exitCode, show(bRun)).toBe(0);
    expect(a.exitCode, show(a)).toBe(1);
    expect(a.outputs.digest, show(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.outputs.digest).not.toBe(bRun.outputs.digest);
    expect(await tagDigest(tb.registry, r.repo, '1.5.0')).toBe(bRun.outputs.digest);
    const text = a.errors.join('\n');
    expect(text).toMatch(/the release was published, but a concurrent run took tags of this version/);
    expect(text).toMatch(new RegExp(`:1\\.5\\.0 now points to ${bRun.outputs.digest} \\(version 1\\.5\\.0\\): another run published 1\\.5\\.0 at the same time`));
    expect(report(a)[0]).toBe('1.5.0:lost');
    expect(a.summary).toMatch(/merge-manifest: FAILED after publishing/);
    expect(a.summary).toMatch(/`1\.5\.0` \| version \| – \| `sha256:[0-9a-f]{12}…` \(1\.5\.0\) \| \*\*taken by another run\*\*/);
  });
});

describe('two registries: publish in two phases', () => {
  /** The same repository reached as two registries: the plain registry, and a proxy to it under another host. */
  async function twoRegistries(name: string): Promise<{ proxy: FaultProxy; repo: string; images: string; handoff: string }> {
    const proxy = await startFaultProxy({ upstream: `http://${tb.registry}` });
    proxies.push(proxy);
    const r = await fresh(name);
    const images = [`${tb.registry}/${r.repo}-a`, `${proxy.host}/${r.repo}-b`];
    for (const repo of [`${r.repo}-a`, `${r.repo}-b`]) await legsIn(tb.registry, legs, repo, images[0] as string).then((d) => dirs.push(d));
    for (const p of PLATFORMS) {
      const slug = p.replace('/', '-');
      await rewriteJson(path.join(r.handoff, `digests-${slug}`, `${slug}.json`), (rec) => ({ ...rec, images }));
    }
    return { proxy, repo: r.repo, images: images.join(','), handoff: r.handoff };
  }
  const run = (images: string, handoff: string) => merge(images, handoff, githubTagEnv('v1.2.3'), { images });

  it('an outage of the second registry while the index is stored: no tag anywhere, each registry named, the re-run completes', async () => {
    const t = await twoRegistries('sem-outage');
    t.proxy.setRules([{ name: 'down', method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, schedule: { always: true } }]);
    const failed = await run(t.images, t.handoff);
    expect(failed.exitCode, show(failed)).toBe(1);
    const text = failed.errors.join('\n');
    expect(text).toMatch(/could not be stored in every registry, so no tag was pushed anywhere/);
    expect(text).toMatch(new RegExp(`localhost:5000/${t.repo}-a: holds the index; NOT tagged 1\\.2\\.3, 1\\.2, 1, latest`));
    expect(text).toMatch(new RegExp(`localhost:\\d+/${t.repo}-b: does not hold the index`));
    expect(text).toMatch(/Re-run the merge job once the registry answers/);
    expect(failed.outputs.digest).toMatch(/^sha256:/);
    expect(await registryTags(tb.registry, `${t.repo}-a`)).toEqual([]);
    expect(await registryTags(tb.registry, `${t.repo}-b`)).toEqual([]);

    t.proxy.setRules([]);
    const rerun = await run(t.images, t.handoff);
    expect(rerun.exitCode, show(rerun)).toBe(0);
    expect(rerun.outputs.digest).toBe(failed.outputs.digest);
    for (const repo of [`${t.repo}-a`, `${t.repo}-b`]) expect(await registryTags(tb.registry, repo)).toEqual(['1', '1.2', '1.2.3', 'latest']);
  });

  it('an outage of the second registry during the tags: the state of each, and the re-run completes', async () => {
    const t = await twoRegistries('sem-outage-tags');
    t.proxy.setRules([{ name: 'down', method: 'PUT', path: /\/manifests\/(?!sha256:)/, fault: { kind: 'status', status: 503 }, schedule: { always: true } }]);
    const failed = await run(t.images, t.handoff);
    expect(failed.exitCode, show(failed)).toBe(1);
    const text = failed.errors.join('\n');
    expect(text).toMatch(/pushing localhost:\d+\/\S+-b:1\.2\.3 failed .*after the index sha256:[0-9a-f]{64} was stored in every registry/);
    expect(text).toMatch(new RegExp(`localhost:5000/${t.repo}-a: holds the index; tagged 1\\.2\\.3; NOT tagged 1\\.2, 1, latest`));
    expect(text).toMatch(new RegExp(`/${t.repo}-b: holds the index; NOT tagged 1\\.2\\.3, 1\\.2, 1, latest`));
    expect(await registryTags(tb.registry, `${t.repo}-a`)).toEqual(['1.2.3']);

    t.proxy.setRules([]);
    const rerun = await run(t.images, t.handoff);
    expect(rerun.exitCode, show(rerun)).toBe(0);
    for (const repo of [`${t.repo}-a`, `${t.repo}-b`]) expect(await registryTags(tb.registry, repo)).toEqual(['1', '1.2', '1.2.3', 'latest']);
  });
});
