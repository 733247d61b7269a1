// Bad inputs to the bundled merge-manifest, run the way the runner runs them: its inputs and the digest records the
// build legs hand over. Every case must fail with an error that names the input (or the record) and says how to fix
// it, and must leave the registry exactly as it was (tags listed through the distribution API, the legs' digests
// HEADed, the manifests the repository links). Values with shell syntax are never executed.
import { existsSync } from 'node:fs';
import { cp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, buildLegs, githubTagEnv, rewriteJson, runBundledAction, testbed, uniqueName } from '@moam/testkit';
import { FIX, type Snapshot, checkMarkersAndClean, errorText, expectRefused, marker, markers, show, snapshot, tempDir } from './support/bad-inputs.ts';

const tb = testbed();

afterAll(checkMarkersAndClean);

describe('bad inputs: merge-manifest', () => {
  const repo = `moam-it/${uniqueName('bad-merge')}`;
  const image = `${tb.registry}/${repo}`;
  let legs: { handoff: string; digests: Record<string, string> };
  let known: string[];
  let before: Snapshot;

  beforeAll(async () => {
    legs = await buildLegs(image, ['linux/amd64', 'linux/arm64']);
    known = Object.values(legs.digests);
    before = await snapshot(repo, known);
    expect(before.tags).toEqual([]);
    expect(Object.values(before.heads)).toEqual([200, 200]);
  });

  const amd = () => legs.digests['linux/amd64'] as string;
  const recordFile = (dir: string, slug: string) => path.join(dir, `digests-${slug}`, `${slug}.json`);

  async function handoffCopy(edit?: (dir: string) => Promise<void>): Promise<string> {
    const dir = await tempDir('handoff');
    await cp(legs.handoff, dir, { recursive: true });
    await edit?.(dir);
    return dir;
  }

  async function runMerge(inputs: Record<string, string>, handoff?: string, env: Record<string, string> = {}): Promise<ActionRun> {
    return runBundledAction('merge-manifest', {
      inputs: { images: image, platforms: 'linux/amd64,linux/arm64', ...inputs },
      env: { MOAM_HANDOFF_DIR: handoff ?? legs.handoff, ...githubTagEnv('v1.2.3'), ...env },
    });
  }

  type MergeCase = readonly [name: string, inputs: Record<string, string>, edit: ((dir: string) => Promise<void>) | undefined, patterns: readonly RegExp[]];
  const NOTHING = /nothing was tagged or pushed/;

  const MERGE_CASES: readonly MergeCase[] = [
    ['images: empty', { images: '' }, undefined, [/Input "images": is required but empty/, FIX]],
    ['images: a tag', { images: `${image}:latest` }, undefined, [/Input "images": ".*:latest" carries a tag/, FIX]],
    ['images: upper-case', { images: `${tb.registry}/Moam-It/x` }, undefined, [/Input "images": .* has upper-case letters/, FIX]],
    ['images: "-oops"', { images: '-oops' }, undefined, [/Input "images": "-oops" starts with "-"/, FIX]],
    ['platforms: empty', { platforms: '' }, undefined, [/Input "platforms": is required but empty/, /Fix: set it, e.g. platforms: linux\/amd64,linux\/arm64/]],
    ['platforms: a duplicate (after normalisation)', { platforms: 'linux/arm64,linux/amd64,linux/arm64/v8' }, undefined, [/Input "platforms": lists linux\/arm64 twice \("linux\/arm64" and "linux\/arm64\/v8"\)/, /Fix: list each platform once/]],
    ['platforms: unknown platform', { platforms: 'linux/amd64,linux/sparc' }, undefined, [/Input "platforms": "linux\/sparc" has an unknown architecture/, FIX]],
    ['platforms: "--help"', { platforms: '--help' }, undefined, [/Input "platforms": "--help" is not os\/arch/, FIX]],
    ['version: not SemVer', { version: 'release-2026' }, undefined, [/Input "version": "release-2026" is not a SemVer version/, /Fix: give one of the accepted forms v1\.2\.3, 1\.2\.3, 1\.2\.3-rc\.1 or 1\.2\.3\+build\.5/]],
    ['version: two parts only', { version: 'v1.2' }, undefined, [/Input "version": "v1\.2" is not a SemVer version/, FIX]],
    ['version: a double v', { version: 'vv1.2.3' }, undefined, [/Input "version": "vv1\.2\.3" is not a SemVer version/, FIX]],
    ['version: leading zero', { version: '01.2.3' }, undefined, [/Input "version": "01\.2\.3" is not a SemVer version/, FIX]],
    ['version: $(...)', { version: `$(touch ${marker('version')})` }, undefined, [/Input "version": "\$\(touch .*\)" is not a SemVer version/, FIX]],
    ['latest: not auto/true/false', { latest: 'yes' }, undefined, [/Input "latest": "yes" is not auto, true or false/, FIX]],
    ['tags: not a valid tag', { tags: 'bad tag!' }, undefined, [/Input "tags": "bad tag!" is not a valid registry tag/, /Fix: tags are up to 128 characters/]],
    ['tags: "--push"', { tags: '--push' }, undefined, [/Input "tags": "--push" is not a valid registry tag/, FIX]],
    ['annotations: a manifest-level annotation', { annotations: 'manifest:org.example=x' }, undefined, [/Input "annotations": "manifest:org\.example" has a level other than index:/, FIX]],
    ['annotations: not KEY=VALUE', { annotations: 'org.example' }, undefined, [/Input "annotations": "org\.example" is not KEY=VALUE/, FIX]],
    ['dry-run: not a boolean', { 'dry-run': 'maybe' }, undefined, [/Input "dry-run": "maybe" is not a boolean/, FIX]],
    ['force-floating-tags: not a boolean', { 'force-floating-tags': 'sometimes' }, undefined, [/Input "force-floating-tags": "sometimes" is not a boolean/, FIX]],
    ['overwrite-version-tag: not a boolean', { 'overwrite-version-tag': 'please' }, undefined, [/Input "overwrite-version-tag": "please" is not a boolean/, FIX]],
    ['images: two spellings of one Docker Hub repository', { images: 'alpine,docker.io/library/alpine' }, undefined, [/Input "images": lists "alpine" and "docker\.io\/library\/alpine", which name the same repository docker\.io\/library\/alpine/, FIX]],
    ['artifact-prefix: not usable', { 'artifact-prefix': '../x' }, undefined, [/Input "artifact-prefix": "\.\.\/x" is not usable in an artifact name/, FIX]],
    // The records handed over by the build legs.
    ['records: the arm64 record is missing', {}, (d) => rm(path.join(d, 'digests-linux-arm64'), { recursive: true }), [/missing platform linux\/arm64: no "digests-\*" record for it/, NOTHING]],
    ['records: no records at all', {}, async (d) => {
      await rm(path.join(d, 'digests-linux-arm64'), { recursive: true });
      await rm(path.join(d, 'digests-linux-amd64'), { recursive: true });
    }, [/no "digests-\*" digest artifacts found; did the build legs run with push: true and the same artifact-prefix\?/, NOTHING]],
    ['records: an artifact without a record', {}, (d) => rm(recordFile(d, 'linux-arm64')), [/digests-linux-arm64: artifact holds no digest record \(re-run the build leg that produced it\)/, NOTHING]],
    ['records: arm64 twice with different digests', {}, async (d) => {
      const r = JSON.parse(await readFile(recordFile(d, 'linux-arm64'), 'utf8'));
      await writeFile(path.join(d, 'digests-linux-arm64', 'linux-arm64-retry.json'), JSON.stringify({ ...r, digest: amd() }));
    }, [/duplicate platform linux\/arm64: 2 records with different digests/, NOTHING]],
    ['records: a record of another run (a stale local hand-off)', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, run: { runId: '999', sha: 'b'.repeat(40) } })), [/digests-linux-arm64\/linux-arm64\.json: the linux\/arm64 record was built by commit "b{40}" \(this run builds a{40}\)/, /allow-foreign-records: true/, NOTHING]],
    ['allow-foreign-records: not a boolean', { 'allow-foreign-records': 'sure' }, undefined, [/Input "allow-foreign-records": "sure" is not a boolean/, FIX]],
    ['records: truncated', {}, async (d) => {
      const text = await readFile(recordFile(d, 'linux-arm64'), 'utf8');
      await writeFile(recordFile(d, 'linux-arm64'), text.slice(0, Math.floor(text.length / 2)));
    }, [/digests-linux-arm64\/linux-arm64\.json: not valid JSON \(truncated or corrupt record; re-run the build leg that produced it\)/, NOTHING]],
    ['records: an unknown record version', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, version: 2 })), [/linux-arm64\.json: record version 2 is not supported .*use the same release of build-by-digest and merge-manifest/, NOTHING]],
    ['records: an unknown schema', {}, (d) => rewriteJson(recordFile(d, 'linux-amd64'), (r) => ({ ...r, schema: 'someone-else/record' })), [/linux-amd64\.json: schema is "someone-else\/record", expected "multi-arch-of-madness\/digest-record"/, NOTHING]],
    ['records: a digest of the wrong length', {}, (d) => rewriteJson(recordFile(d, 'linux-amd64'), (r) => ({ ...r, digest: `sha256:${'a'.repeat(63)}` })), [/linux-amd64\.json: digest "sha256:a{63}" is not sha256:<64 hex>/, NOTHING]],
    ['records: a digest of another algorithm', {}, (d) => rewriteJson(recordFile(d, 'linux-amd64'), (r) => ({ ...r, digest: `md5:${'a'.repeat(32)}` })), [/linux-amd64\.json: digest "md5:a{32}" is not sha256:<64 hex>/, NOTHING]],
    ['records: a sha512 digest', {}, (d) => rewriteJson(recordFile(d, 'linux-amd64'), (r) => ({ ...r, digest: `sha512:${'b'.repeat(128)}` })), [/linux-amd64\.json: digest sha512:b+… uses an unsupported digest algorithm/, /nothing was tagged or pushed/]],
    ['records: a digest the registry does not hold', {}, (d) => rewriteJson(recordFile(d, 'linux-amd64'), (r) => ({ ...r, digest: `sha256:${'c'.repeat(64)}` })), [/linux\/amd64: localhost:5000\/moam-it\/bad-merge-[0-9a-f]+@sha256:c{64} does not exist in the registry/, NOTHING]],
    ['records: arm64 record lying about its platform', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, digest: amd() })), [/linux\/arm64: the record lies: .* is linux\/amd64, not linux\/arm64/, NOTHING]],
    ['records: an invalid platform', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, platform: 'linux/sparc' })), [/linux-arm64\.json: platform "linux\/sparc" is not a valid platform/, NOTHING]],
    ['records: a platform not in the platforms input', { platforms: 'linux/amd64' }, undefined, [/extra platform linux\/arm64 \(digest sha256:[0-9a-f]{64}\): not in the platforms input \(linux\/amd64\); add it there or remove its build leg/, NOTHING]],
    ['records: built for other image names', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, images: [`${tb.registry}/moam-it/somewhere-else`] })), [/linux\/arm64: its build leg did not push to localhost:5000\/moam-it\/bad-merge-[0-9a-f]+ .*use the same images input in build and merge/, NOTHING]],
    ['records: a 5 MB platform string, quoted cut', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, platform: `linux/${'x'.repeat(5 * 1024 * 1024)}` })), [/linux-arm64\.json: platform "linux\/x{50,}… \(5242886 characters, cut\) is not a valid platform/, NOTHING]],
    ['records: a broken symbolic link as an artifact', {}, (d) => symlink(path.join(d, 'nowhere'), path.join(d, 'digests-linux-s390x')), [/digests-linux-s390x is a broken symbolic link\. Fix: point it at the artifact directory, or remove it/]],
    ['records: a file where an artifact directory belongs', {}, (d) => writeFile(path.join(d, 'digests-linux-ppc64le'), '{}'), [/digests-linux-ppc64le is not a directory/]],
    ['records: an image name with $(...)', {}, (d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, images: [`$(touch ${marker('record-image')})`] })), [/linux-arm64\.json: image name "\$\(touch .*\)" is not valid/, NOTHING]],
  ];

  it.each(MERGE_CASES)('%s', async (_name, inputs, edit, patterns) => {
    const run = await runMerge(inputs, edit ? await handoffCopy(edit) : undefined);
    expectRefused(run, patterns);
    expect(run.outputs.digest ?? '').toBe('');
    expect(await snapshot(repo, known)).toEqual(before);
  });

  it('no failure message is longer than a screen line allows, whatever a record holds', async () => {
    const run = await runMerge({}, await handoffCopy((d) => rewriteJson(recordFile(d, 'linux-arm64'), (r) => ({ ...r, platform: 'y'.repeat(5 * 1024 * 1024), mediaType: 'z'.repeat(1024 * 1024) }))));
    expect(run.exitCode).toBe(1);
    expect(errorText(run).length).toBeLessThan(4000);
  });

  it('another image\'s artifacts whose names start with the same prefix are not collected', async () => {
    const handoff = await handoffCopy(async (d) => {
      await cp(path.join(d, 'digests-linux-arm64'), path.join(d, 'digests-worker-linux-arm64'), { recursive: true });
      await rewriteJson(path.join(d, 'digests-worker-linux-arm64', 'linux-arm64.json'), (r) => ({ ...r, digest: amd() }));
    });
    const run = await runMerge({ 'dry-run': 'true' }, handoff);
    expect(run.exitCode, show(run)).toBe(0);
  });

  it('a symlinked artifact directory is followed, not ignored', async () => {
    const elsewhere = await tempDir('artifact');
    const handoff = await handoffCopy(async (d) => {
      await cp(path.join(d, 'digests-linux-arm64'), elsewhere, { recursive: true });
      await rm(path.join(d, 'digests-linux-arm64'), { recursive: true });
      await symlink(elsewhere, path.join(d, 'digests-linux-arm64'));
    });
    const run = await runMerge({ 'dry-run': 'true' }, handoff);
    expect(run.exitCode, show(run)).toBe(0);
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64');
  });

  it('the GitHub tag must be SemVer when no version is given', async () => {
    const run = await runMerge({}, undefined, githubTagEnv('release-2026'));
    expectRefused(run, [/Input "GITHUB_REF": the pushed tag "release-2026" is not a SemVer version/, /Fix: push a tag in one of the accepted forms/]);
    expect(await snapshot(repo, known)).toEqual(before);
  });

  it('annotation values with $(...), backticks and ";" reach imagetools as plain values (dry run): nothing runs', async () => {
    const run = await runMerge({ 'dry-run': 'true', annotations: [`org.example.a=$(touch ${marker('merge-annotation')})`, `org.example.b=\`touch ${marker('merge-ticks')}\``, `org.example.c=x; touch ${marker('merge-semi')}`].join('\n') });
    expect(run.exitCode, show(run)).toBe(0);
    const index = JSON.parse(run.outputs.manifest as string) as { annotations: Record<string, string> };
    expect(index.annotations['org.example.a']).toBe(`$(touch ${marker('merge-annotation')})`);
    expect(index.annotations['org.example.c']).toBe(`x; touch ${marker('merge-semi')}`);
    for (const m of markers) expect(existsSync(m), m).toBe(false);
    expect(await snapshot(repo, known)).toEqual(before);
  });
});
