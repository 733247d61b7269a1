import { describe, expect, it } from 'vitest';
import { mergeManifest, type MergeDeps, type MergeResult } from '../src/merge/run.ts';
import { mergeOutputs } from '../src/merge/outputs.ts';
import { renderMergeSummary } from '../src/merge/summary.ts';
import { readMergeInputs } from '../src/merge/inputs.ts';
import { computeTags } from '../src/tags.ts';
import { makeRecord, artifactName, recordFileName } from '../src/handoff/record.ts';
import { type ImageName, parseImageName } from '../src/image.ts';
import { parsePlatform } from '../src/platform.ts';
import type { Digest } from '../src/digest.ts';
import { MemoryRegistry, OCI_INDEX } from './support/memory-registry.ts';
import { memoryStore } from './support/memory-store.ts';
import { fakeImagetools } from './support/fake-imagetools.ts';

const A = parseImageName('localhost:5000/o/app');
const B = parseImageName('registry.example/o/app');
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const SLSA = 'https://slsa.dev/provenance/v0.2';

/** Build legs of one commit: per platform a leg index (manifest + attestation) pushed to every image, and its record. */
function legs(registry: MemoryRegistry, images: readonly ImageName[], seed: string, opts: { platforms?: string[]; attest?: boolean } = {}) {
  const store = memoryStore();
  for (const platform of opts.platforms ?? PLATFORMS) {
    const p = parsePlatform(platform);
    let digest: Digest | undefined;
    for (const image of images) {
      const manifest = registry.addManifest(image, p, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${seed.repeat(64).slice(0, 64)}`, size: 1 }]);
      digest = opts.attest === false ? manifest : registry.addIndex(image, [{ digest: manifest, platform: p, attestation: registry.addAttestation(image, [SLSA, seed]) }]);
    }
    const record = makeRecord({ platform: p, digest: digest as Digest, mediaType: opts.attest === false ? 'application/vnd.oci.image.manifest.v1+json' : OCI_INDEX, size: 1, images: images.map((i) => i.name), run: {} });
    void store.put(artifactName('digests', p), { name: recordFileName(p), content: JSON.stringify(record) });
  }
  return store;
}

function deps(registry: MemoryRegistry, store: ReturnType<typeof memoryStore>, warnings: string[] = []): MergeDeps {
  return {
    exec: fakeImagetools(registry),
    env: {},
    log: { info: () => undefined, warning: (l) => void warnings.push(l), group: (_t, fn) => fn() },
    registry,
    store,
    sleep: async () => undefined,
    clock: () => 0,
  };
}

async function release(registry: MemoryRegistry, version: string, seed: string, over: Record<string, string> = {}, images = [A], warnings: string[] = []): Promise<MergeResult> {
  const inputs = readMergeInputs((k) => ({ images: images.map((i) => i.name).join(','), platforms: PLATFORMS.join(','), ...over })[k] ?? '');
  const plan = computeTags({ ref: `refs/tags/${version}`, sha: 'a'.repeat(40), eventName: 'push', latest: inputs.latest, extraTags: inputs.extraTags });
  const store = legs(registry, images, seed);
  return mergeManifest(inputs, plan, { 'org.opencontainers.image.version': plan.version }, deps(registry, store, warnings));
}

const statuses = (r: MergeResult) => Object.fromEntries(r.tags.map((t) => [t.tag, t.status]));

describe('mergeManifest: a release', () => {
  it('publishes one index holding every platform, tags it, and says so in outputs and summary', async () => {
    const registry = new MemoryRegistry();
    const r = await release(registry, 'v1.2.0', '1');
    expect(r.failure).toBeUndefined();
    expect(statuses(r)).toEqual({ '1.2.0': 'created', '1.2': 'created', '1': 'created', latest: 'created' });
    expect(registry.tagsOf(A)).toEqual({ '1.2.0': r.digest, '1.2': r.digest, '1': r.digest, latest: r.digest });
    expect(r.entries.map((e) => e.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(registry.writes[0]).toBe(`o/app@${r.digest}`);
    const out = mergeOutputs(r);
    expect(out).toMatchObject({ digest: r.digest, version: '1.2.0', tags: '1.2.0,1.2,1,latest', platforms: 'linux/amd64,linux/arm64' });
    expect(JSON.parse(out['tag-report'] as string)).toHaveLength(4);
    const summary = renderMergeSummary(r);
    expect(summary).toContain('docker pull --platform linux/amd64 localhost:5000/o/app:1.2.0');
    expect(summary).toContain('docker pull --platform linux/arm64 localhost:5000/o/app:1.2.0');
    expect(summary).toMatch(/\| `localhost:5000\/o\/app` \| `latest` \| floating \| – \| `sha256:[a-f0-9]{12}…` \(1\.2\.0\) \| created \|/);
  });

  it('a re-run on the same digests pushes nothing', async () => {
    const registry = new MemoryRegistry();
    const first = await release(registry, 'v1.2.0', '1');
    const writes = registry.writes.length;
    const again = await release(registry, 'v1.2.0', '1');
    expect(again.digest).toBe(first.digest);
    expect(statuses(again)).toEqual({ '1.2.0': 'unchanged', '1.2': 'unchanged', '1': 'unchanged', latest: 'unchanged' });
    expect(registry.writes.length).toBe(writes + 1); // the index by digest again (idempotent); no tag
  });

  it('a refused set (a missing leg) pushes nothing at all', async () => {
    const registry = new MemoryRegistry();
    const inputs = readMergeInputs((k) => ({ images: A.name, platforms: 'linux/amd64,linux/arm64,linux/s390x' })[k] ?? '');
    const plan = computeTags({ ref: 'refs/tags/v1.0.0', sha: 'a'.repeat(40), eventName: 'push', latest: 'auto', extraTags: [] });
    await expect(mergeManifest(inputs, plan, {}, deps(registry, legs(registry, [A], '1')))).rejects.toThrow(/missing platform linux\/s390x/);
    expect(registry.writes).toEqual([]);
  });

  it('dry-run decides every tag and pushes nothing', async () => {
    const registry = new MemoryRegistry();
    await release(registry, 'v1.3.0', '3');
    const writes = registry.writes.length;
    const r = await release(registry, 'v1.2.0', '1', { 'dry-run': 'true' });
    expect(registry.writes.length).toBe(writes);
    expect(statuses(r)).toEqual({ '1.2.0': 'planned', '1.2': 'planned', '1': 'skipped', latest: 'skipped' });
    expect(mergeOutputs(r).tags).toBe('1.2.0,1.2');
  });
});

describe('mergeManifest: floating tags only move forward', () => {
  it('a late 1.2.0 after 1.3.0 leaves latest and 1 on 1.3.0, with a warning', async () => {
    const registry = new MemoryRegistry();
    const newer = await release(registry, 'v1.3.0', '3');
    const warnings: string[] = [];
    const late = await release(registry, 'v1.2.0', '1', {}, [A], warnings);
    expect(late.failure).toBeUndefined();
    expect(statuses(late)).toEqual({ '1.2.0': 'created', '1.2': 'created', '1': 'skipped', latest: 'skipped' });
    expect(registry.tagsOf(A)).toMatchObject({ latest: newer.digest, '1': newer.digest, '1.2': late.digest, '1.2.0': late.digest });
    expect(warnings).toContain(`localhost:5000/o/app:latest stays on ${newer.digest} (version 1.3.0), which is newer than 1.2.0: floating tags only move forward. Set force-floating-tags: true to move it back (a rollback)`);
    expect(mergeOutputs(late).tags).toBe('1.2.0,1.2');
    expect(renderMergeSummary(late)).toMatch(/`latest` \| floating \| `sha256:[a-f0-9]{12}…` \(1\.3\.0\) \| `sha256:[a-f0-9]{12}…` \(1\.3\.0\) \| \*\*left on a newer release\*\*/);
  });

  it('force-floating-tags moves them back, saying so', async () => {
    const registry = new MemoryRegistry();
    await release(registry, 'v1.3.0', '3');
    const warnings: string[] = [];
    const back = await release(registry, 'v1.2.0', '1', { 'force-floating-tags': 'true' }, [A], warnings);
    expect(registry.tagsOf(A).latest).toBe(back.digest);
    expect(warnings.join('\n')).toMatch(/latest moves back from 1\.3\.0 to 1\.2\.0 \(force-floating-tags: true\)/);
  });

  it('a prerelease never touches a floating tag, and a newer stable moves them on', async () => {
    const registry = new MemoryRegistry();
    const v1 = await release(registry, 'v1.2.0', '1');
    const rc = await release(registry, 'v1.3.0-rc.1', '2');
    expect(statuses(rc)).toEqual({ '1.3.0-rc.1': 'created' });
    expect(registry.tagsOf(A).latest).toBe(v1.digest);
    const v2 = await release(registry, 'v2.0.0', '4');
    expect(statuses(v2)).toEqual({ '2.0.0': 'created', '2.0': 'created', '2': 'created', latest: 'moved' });
  });

  it('a tag on an index without a SemVer version is moved, with a note', async () => {
    const registry = new MemoryRegistry();
    const foreign = registry.addIndex(A, []);
    registry.tag(A, 'latest', foreign);
    const warnings: string[] = [];
    const r = await release(registry, 'v1.0.0', '1', {}, [A], warnings);
    expect(registry.tagsOf(A).latest).toBe(r.digest);
    expect(warnings.join('\n')).toMatch(/latest points to sha256:[a-f0-9]{64}, whose version annotation is not SemVer/);
  });
});

describe('mergeManifest: a version tag is an immutable release', () => {
  it('merging 1.2.0 again with other legs is refused, and nothing is pushed', async () => {
    const registry = new MemoryRegistry();
    const first = await release(registry, 'v1.2.0', '1');
    const writes = registry.writes.length;
    await expect(release(registry, 'v1.2.0', '9')).rejects.toThrow(new RegExp(`localhost:5000/o/app:1\\.2\\.0 already points to ${first.digest} \\(version 1\\.2\\.0\\), not to this run's index sha256:[a-f0-9]{64}: a version tag is an immutable release and is not moved\\. Fix: release a new version, or set overwrite-version-tag: true`));
    expect(registry.writes.length).toBe(writes);
    expect(registry.tagsOf(A)['1.2.0']).toBe(first.digest);
  });

  it('overwrite-version-tag moves it, naming both digests', async () => {
    const registry = new MemoryRegistry();
    const first = await release(registry, 'v1.2.0', '1');
    const warnings: string[] = [];
    const again = await release(registry, 'v1.2.0', '9', { 'overwrite-version-tag': 'true' }, [A], warnings);
    expect(registry.tagsOf(A)['1.2.0']).toBe(again.digest);
    expect(warnings).toContain(`localhost:5000/o/app:1.2.0 moves from ${first.digest} to ${again.digest} (overwrite-version-tag: true); whoever pinned the old digest keeps the old image`);
  });
});

describe('mergeManifest: faults and races after publishing', () => {
  it('a registry that refuses the index: no tag anywhere, every registry\'s state and the re-run named, the digest still output', async () => {
    const registry = new MemoryRegistry();
    registry.fault = (op, ref) => {
      if (op === 'put' && ref.startsWith('sha256:') && registry.writes.length > 0) throw new Error('PUT manifest: dial tcp: connection refused');
    };
    const r = await release(registry, 'v1.2.0', '1', {}, [A, B]);
    expect(r.failure).toMatch(/could not be stored in every registry, so no tag was pushed anywhere/);
    expect(r.failure).toMatch(/registry\.example\/o\/app: PUT manifest: dial tcp: connection refused/);
    expect(r.failure).toMatch(/localhost:5000\/o\/app: holds the index; NOT tagged 1\.2\.0, 1\.2, 1, latest/);
    expect(r.failure).toMatch(/Re-run the merge job/);
    expect(Object.keys(registry.tagsOf(A))).toEqual([]);
    expect(mergeOutputs(r).digest).toBe(r.digest);
    registry.fault = () => undefined;
    const rerun = await release(registry, 'v1.2.0', '1', {}, [A, B]);
    expect(rerun.failure).toBeUndefined();
    expect(rerun.digest).toBe(r.digest);
    expect(Object.keys(registry.tagsOf(B)).sort()).toEqual(['1', '1.2', '1.2.0', 'latest']);
  });

  it('a registry that dies halfway through the tags: the state of each registry and the re-run that completes it', async () => {
    const registry = new MemoryRegistry();
    let tagPuts = 0;
    registry.fault = (op, ref) => {
      if (op === 'put' && !ref.startsWith('sha256:') && ++tagPuts === 3) throw new Error('PUT manifest: 503 Service Unavailable');
    };
    const r = await release(registry, 'v1.2.0', '1', {}, [A, B]);
    expect(r.failure).toMatch(/pushing .*:\S+ failed \(PUT manifest: 503 Service Unavailable\) after the index sha256:[a-f0-9]{64} was stored in every registry/);
    expect(r.failure).toMatch(/localhost:5000\/o\/app: holds the index; tagged 1\.2\.0/);
    registry.fault = () => undefined;
    const rerun = await release(registry, 'v1.2.0', '1', {}, [A, B]);
    expect(rerun.failure).toBeUndefined();
    expect(registry.tagsOf(A)).toEqual(registry.tagsOf(B));
    expect(Object.values(registry.tagsOf(B)).every((d) => d === r.digest)).toBe(true);
  });

  it('a concurrent older release that moves latest back after this push is undone; one that takes the version tag fails the run, digest still output', async () => {
    const registry = new MemoryRegistry();
    const older = await release(registry, 'v1.2.0', '1');
    let interfered = false;
    registry.fault = (op, ref) => {
      // Right after this run's push of latest, the older run's push of latest lands.
      if (op === 'head' && ref === 'latest' && registry.tagsOf(A).latest !== older.digest && !interfered) {
        interfered = true;
        registry.tag(A, 'latest', older.digest as Digest);
      }
    };
    const warnings: string[] = [];
    const newer = await release(registry, 'v1.3.0', '3', {}, [A], warnings);
    expect(newer.failure).toBeUndefined();
    expect(interfered).toBe(true);
    expect(registry.tagsOf(A).latest).toBe(newer.digest);
    expect(warnings.join('\n')).toMatch(/latest was moved back to sha256:[a-f0-9]{64} \(version 1\.2\.0\) by a concurrent run after this run pushed it; it is moved forward again/);

    registry.fault = (op, ref) => {
      if (op === 'head' && ref === '2.0.0' && registry.tagsOf(A)['2.0.0'] !== undefined && registry.tagsOf(A)['2.0.0'] !== older.digest) registry.tag(A, '2.0.0', older.digest as Digest);
    };
    const lost = await release(registry, 'v2.0.0', '5');
    expect(lost.failure).toMatch(/a concurrent run took tags of this version/);
    expect(lost.failure).toMatch(/localhost:5000\/o\/app:2\.0\.0 now points to sha256:[a-f0-9]{64} \(version 1\.2\.0\): another run published 2\.0\.0 at the same time/);
    expect(statuses(lost)['2.0.0']).toBe('lost');
    expect(mergeOutputs(lost).digest).toBe(lost.digest);
    expect(mergeOutputs(lost).tags).toBe('2.0,2,latest');
  });

  it('a floating tag a newer release takes while this run publishes is left to it (read again right before the push)', async () => {
    const registry = new MemoryRegistry();
    // The newer release's index is in the registry (by digest) before it takes latest.
    const other = await release(registry, 'v2.0.0', '7');
    registry.tags.clear();
    let heads = 0;
    registry.fault = (op, ref) => {
      // 1st HEAD of latest: planTags (absent); 2nd: right before the push, when the newer release has just tagged it.
      if (op === 'head' && ref === 'latest' && ++heads === 2) registry.tag(A, 'latest', other.digest as Digest);
    };
    const warnings: string[] = [];
    const r = await release(registry, 'v1.5.0', '1', {}, [A], warnings);
    expect(r.failure).toBeUndefined();
    expect(statuses(r).latest).toBe('skipped');
    expect(r.tags.find((t) => t.tag === 'latest')?.note).toBe('a newer release took it during this run');
    expect(registry.tagsOf(A).latest).toBe(other.digest);
    expect(warnings.join('\n')).toMatch(/latest stays on sha256:[a-f0-9]{64} \(version 2\.0\.0\), which is newer than 1\.5\.0/);
  });

  it('refuses before publishing when the composed index lacks a leg\'s attestations', async () => {
    const registry = new MemoryRegistry();
    const inputs = readMergeInputs((k) => ({ images: A.name, platforms: PLATFORMS.join(',') })[k] ?? '');
    const plan = computeTags({ ref: 'refs/tags/v1.0.0', sha: 'a'.repeat(40), eventName: 'push', latest: 'auto', extraTags: [] });
    const store = legs(registry, [A], '1');
    // A leg index whose attestation manifest was dropped, recorded as an attested leg.
    const amd64 = registry.addManifest(A, parsePlatform('linux/amd64'));
    const bare = registry.addIndex(A, [{ digest: amd64, platform: parsePlatform('linux/amd64') }]);
    await store.put('digests-linux-amd64', { name: 'linux-amd64.json', content: JSON.stringify(makeRecord({ platform: parsePlatform('linux/amd64'), digest: bare, mediaType: OCI_INDEX, size: 1, images: [A.name], run: {} })) });
    await expect(mergeManifest(inputs, plan, {}, deps(registry, store))).rejects.toThrow(/linux\/amd64 \(sha256:[a-f0-9]{64}\) has no attestation manifest[\s\S]*|is not the release; nothing was tagged or pushed/);
    expect(registry.writes).toEqual([]);
  });
});
