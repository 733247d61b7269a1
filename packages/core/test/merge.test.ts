import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRecordSet, ownArtifacts } from '../src/merge/records.ts';
import { checkIndex, type OciIndex } from '../src/oci/index-entries.ts';
import { type ImagetoolsCreateOptions, imagetoolsCreateArgs } from '../src/buildx/imagetools.ts';
import { readMergeInputs } from '../src/merge/inputs.ts';
import { makeRecord } from '../src/handoff/record.ts';
import { parseImageName, parseImageNames } from '../src/image.ts';
import { parsePlatform, parsePlatforms } from '../src/platform.ts';
import { parseDigest } from '../src/digest.ts';

const d = (c: string) => parseDigest(`sha256:${c.repeat(64)}`);
const images = parseImageNames(['localhost:5000/o/app', 'ghcr.io/o/app']);
const rec = (platform: string, digest = d(platform.endsWith('arm64') ? 'b' : 'a'), imgs = images.map((i) => i.name)) =>
  JSON.stringify(makeRecord({ platform: parsePlatform(platform), digest, mediaType: 'application/vnd.oci.image.index.v1+json', size: 100, images: imgs, run: {} }));
const both = parsePlatforms(['linux/amd64', 'linux/arm64']);

describe('checkRecordSet', () => {
  it('accepts one record per expected platform', () => {
    const r = checkRecordSet([{ source: 'digests-linux-arm64/x.json', text: rec('linux/arm64') }, { source: 'digests-linux-amd64/x.json', text: rec('linux/amd64') }], both, images, 'digests');
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });
  it.each<[string, Array<{ source: string; text: string }>, RegExp[]]>([
    ['missing arm64', [{ source: 'a', text: rec('linux/amd64') }], [/missing platform linux\/arm64/]],
    ['nothing at all', [], [/missing platform linux\/amd64/, /missing platform linux\/arm64/, /no "digests-\*" digest artifacts found/]],
    ['an extra platform', [{ source: 'a', text: rec('linux/amd64') }, { source: 'b', text: rec('linux/arm64') }, { source: 'c', text: rec('linux/s390x', d('c')) }], [/extra platform linux\/s390x/]],
    ['a duplicate platform with different digests', [{ source: 'a', text: rec('linux/amd64') }, { source: 'a2', text: rec('linux/amd64', d('e')) }, { source: 'b', text: rec('linux/arm64') }], [/duplicate platform linux\/amd64: 2 records/]],
    ['a truncated record', [{ source: 'a', text: rec('linux/amd64').slice(0, 30) }, { source: 'b', text: rec('linux/arm64') }], [/a: not valid JSON/, /missing platform linux\/amd64/]],
    ['an empty artifact', [{ source: 'digests-linux-amd64', text: '' }, { source: 'b', text: rec('linux/arm64') }], [/holds no digest record/]],
    ['a leg that skipped an image', [{ source: 'a', text: rec('linux/amd64', d('a'), ['localhost:5000/o/app']) }, { source: 'b', text: rec('linux/arm64') }], [/linux\/amd64: its build leg did not push to ghcr.io\/o\/app/]],
  ])('refuses %s and names every problem', (_name, loaded, whys) => {
    const r = checkRecordSet(loaded, both, images, 'digests');
    for (const why of whys) expect(r.problems.join('\n')).toMatch(why);
  });
  it('matches image names by repository, however they are spelled (docker.io/library/x is x)', () => {
    const hub = parseImageNames(['alpine']);
    const r = checkRecordSet([{ source: 'a', text: rec('linux/amd64', d('a'), ['docker.io/library/alpine']) }, { source: 'b', text: rec('linux/arm64', d('b'), ['index.docker.io/alpine']) }], both, hub, 'digests');
    expect(r.problems).toEqual([]);
  });
  it('collects exactly <prefix>-<platform>: not another prefix that starts the same', () => {
    expect(ownArtifacts(['digests-linux-amd64', 'digests-linux-arm-v7', 'digests-worker-linux-amd64', 'digests-linux-arm64-retry', 'digests-', 'digestsx-linux-amd64'], 'digests')).toEqual(['digests-linux-amd64', 'digests-linux-arm-v7']);
    expect(ownArtifacts(['digests-worker-linux-amd64'], 'digests-worker')).toEqual(['digests-worker-linux-amd64']);
  });

  it.each<[string, { runId?: string; sha?: string }, Record<string, string>, RegExp | undefined]>([
    ['the same run and commit', { runId: '7', sha: 'a'.repeat(40) }, { runId: '7', sha: 'a'.repeat(40) }, undefined],
    ['another run', { runId: '6', sha: 'a'.repeat(40) }, { runId: '7', sha: 'a'.repeat(40) }, /a: the linux\/amd64 record was built by run "6" \(this is run 7\): a record left by another run/],
    ['another commit', { runId: '7', sha: 'b'.repeat(40) }, { runId: '7', sha: 'a'.repeat(40) }, /built by commit "b{40}" \(this run builds a{40}\)/],
    ['a record without run information', {}, { runId: '7', sha: 'a'.repeat(40) }, undefined],
    ['no run information here', { runId: '6' }, {}, undefined],
  ])('records of %s', (_name, run, origin, why) => {
    const text = JSON.stringify(makeRecord({ platform: parsePlatform('linux/amd64'), digest: d('a'), mediaType: 'application/vnd.oci.image.index.v1+json', size: 1, images: images.map((i) => i.name), run }));
    const r = checkRecordSet([{ source: 'a', text }, { source: 'b', text: rec('linux/arm64') }], both, images, 'digests', origin);
    if (!why) return expect(r.problems).toEqual([]);
    expect(r.problems.join('\n')).toMatch(why);
    expect(r.problems.join('\n')).toMatch(/Fix: re-run the build legs in this run, or set allow-foreign-records: true/);
    expect(checkRecordSet([{ source: 'a', text }, { source: 'b', text: rec('linux/arm64') }], both, images, 'digests', { ...origin, allowForeign: true }).problems).toEqual([]);
  });

  it('tolerates the same record twice (a re-run leg)', () => {
    const r = checkRecordSet([{ source: 'a', text: rec('linux/amd64') }, { source: 'a2', text: rec('linux/amd64') }, { source: 'b', text: rec('linux/arm64') }], both, images, 'digests');
    expect(r.problems).toEqual([]);
  });
});

describe('checkIndex (captured index)', () => {
  const index = JSON.parse(readFileSync(new URL('./fixtures/buildx/imagetools-inspect.raw.json', import.meta.url), 'utf8')) as OciIndex;
  it('finds both platforms with their attestation manifests', () => {
    const r = checkIndex(index, both, { requireAttestations: true });
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => [e.platform, Boolean(e.attestation)])).toEqual([['linux/amd64', true], ['linux/arm64', true]]);
  });
  it('names a missing platform, an unexpected one and a missing attestation', () => {
    const stripped = { ...index, manifests: index.manifests.filter((m) => m.platform?.architecture !== 'unknown') };
    expect(checkIndex(stripped, parsePlatforms(['linux/amd64', 'linux/riscv64']), { requireAttestations: true }).problems).toEqual([
      'the index has no linux/riscv64 manifest',
      expect.stringMatching(/^linux\/amd64 \(sha256:.*\) has no attestation manifest/),
      expect.stringMatching(/^the index has an unexpected linux\/arm64 manifest/),
    ]);
  });
});

describe('imagetoolsCreateArgs: the whole argv', () => {
  const app = parseImageName('ghcr.io/o/app');
  it.each<{ name: string; input: ImagetoolsCreateOptions; argv: string[] }>([
    {
      name: 'tags every tag, annotates at index level (sorted), sources by digest',
      input: { image: app, tags: ['1.2.3', 'latest'], annotations: { 'org.opencontainers.image.version': '1.2.3', a: 'b' }, sources: [d('a'), d('b')] },
      argv: ['buildx', 'imagetools', 'create', '--tag=ghcr.io/o/app:1.2.3', '--tag=ghcr.io/o/app:latest', '--annotation=index:a=b', '--annotation=index:org.opencontainers.image.version=1.2.3', `ghcr.io/o/app@${d('a')}`, `ghcr.io/o/app@${d('b')}`],
    },
    {
      name: 'a dry run on a named builder, no tags (what merge composes the index with)',
      input: { image: app, tags: [], annotations: {}, sources: [d('a')], dryRun: true, builder: 'builder-1' },
      argv: ['buildx', 'imagetools', 'create', '--builder=builder-1', '--dry-run', `ghcr.io/o/app@${d('a')}`],
    },
    {
      name: 'a Docker Hub name as given',
      input: { image: parseImageName('o/app'), tags: ['1'], annotations: {}, sources: [d('c')] },
      argv: ['buildx', 'imagetools', 'create', '--tag=o/app:1', `o/app@${d('c')}`],
    },
  ])('$name', ({ input, argv }) => {
    expect(imagetoolsCreateArgs(input)).toEqual(argv);
  });
});

describe('readMergeInputs', () => {
  const reader = (m: Record<string, string>) => (k: string) => m[k] ?? '';
  it('reads and defaults', () => {
    expect(readMergeInputs(reader({ images: 'ghcr.io/o/app', platforms: 'linux/amd64,linux/arm64/v8' }))).toMatchObject({ artifactPrefix: 'digests', latest: 'auto', dryRun: false, platforms: [{ architecture: 'amd64' }, { architecture: 'arm64' }] });
  });
  it('reports every bad input at once', () => {
    expect(() => readMergeInputs(reader({ images: 'ghcr.io/O/app:1', platforms: 'linux/amd64,linux/amd64', latest: 'maybe', 'dry-run': 'perhaps', annotations: 'manifest:a=b' }))).toThrow(
      /5 problems[\s\S]*Input "images"[\s\S]*Input "platforms"[\s\S]*Input "latest"[\s\S]*Input "annotations"[\s\S]*Input "dry-run"/,
    );
  });
});
