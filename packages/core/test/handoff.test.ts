import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactName, makeRecord, validateRecord } from '../src/handoff/record.ts';
import { chooseHandoffStore, localStore } from '../src/handoff/store.ts';
import { parsePlatform } from '../src/platform.ts';
import { parseDigest } from '../src/digest.ts';

const digest = parseDigest(`sha256:${'b'.repeat(64)}`);
const good = makeRecord({ platform: parsePlatform('linux/arm64/v8'), digest, mediaType: 'application/vnd.oci.image.index.v1+json', size: 1607, images: ['ghcr.io/o/app'], run: { runId: '1', runAttempt: '1' } });

describe('digest record', () => {
  it('round-trips', () => {
    expect(good.platform).toBe('linux/arm64');
    expect(validateRecord(JSON.stringify(good), 'digests-linux-arm64')).toEqual({ record: good, problems: [] });
    expect(artifactName('digests', parsePlatform('linux/arm/v7'))).toBe('digests-linux-arm-v7');
  });

  it.each<[string, string, RegExp]>([
    ['truncated', JSON.stringify(good).slice(0, 40), /not valid JSON \(truncated or corrupt/],
    ['an array', '[]', /not a JSON object/],
    ['unknown schema', JSON.stringify({ ...good, schema: 'other' }), /schema is "other"/],
    ['future version', JSON.stringify({ ...good, version: 2 }), /record version 2 is not supported/],
    ['short digest', JSON.stringify({ ...good, digest: 'sha256:abc' }), /digest "sha256:abc" is not sha256/],
    ['a sha512 digest', JSON.stringify({ ...good, digest: `sha512:${'a'.repeat(128)}` }), /unsupported digest algorithm/],
    ['sha512-looking garbage', JSON.stringify({ ...good, digest: `md5:${'a'.repeat(32)}` }), /is not sha256/],
    ['bad platform', JSON.stringify({ ...good, platform: 'linux/amd64,linux/arm64' }), /not a valid platform/],
    ['no images', JSON.stringify({ ...good, images: [] }), /images is not a non-empty list/],
    ['bad image', JSON.stringify({ ...good, images: ['GHCR.io/O/App:1'] }), /image name "GHCR.io\/O\/App:1" is not valid/],
    ['negative size', JSON.stringify({ ...good, size: -1 }), /size is not a non-negative integer/],
  ])('refuses %s', (_name, text, why) => {
    const r = validateRecord(text, 'digests-linux-arm64');
    expect(r.record).toBeUndefined();
    expect(r.problems.join('\n')).toMatch(why);
    expect(r.problems.join('\n')).toMatch(/^digests-linux-arm64: /);
  });

  it('quotes record values cut to a readable length (a 5 MB platform is not a 5 MB error line)', () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const problems = validateRecord(JSON.stringify({ ...good, platform: huge, digest: huge, schema: huge }), 's').problems;
    expect(problems.join('\n').length).toBeLessThan(2000);
    expect(problems.join('\n')).toMatch(/\(5242880 characters, cut\)/);
  });

  it('reports every problem of a record at once', () => {
    expect(validateRecord(JSON.stringify({ ...good, digest: 'x', platform: 'y', images: [] }), 's').problems).toHaveLength(3);
  });
});

describe('hand-off stores', () => {
  it('local store puts, lists by prefix and gets', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-store-'));
    const store = localStore(dir, 'test');
    await store.put('digests-linux-amd64', { name: 'linux-amd64.json', content: '{"a":1}' });
    await store.put('digests-linux-arm64', { name: 'linux-arm64.json', content: '{"a":2}' });
    await store.put('other-linux-arm64', { name: 'x.json', content: '{}' });
    expect(await store.list('digests')).toEqual(['digests-linux-amd64', 'digests-linux-arm64']);
    expect(await store.get('digests-linux-arm64')).toEqual([{ name: 'linux-arm64.json', content: '{"a":2}' }]);
    expect(await localStore(path.join(dir, 'missing'), 'x').list('digests')).toEqual([]);
  });

  it('local store follows a symlinked artifact directory and refuses, by name, what is not one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-store-'));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'moam-artifact-'));
    await writeFile(path.join(elsewhere, 'linux-arm64.json'), '{"a":2}');
    await symlink(elsewhere, path.join(dir, 'digests-linux-arm64'));
    const store = localStore(dir, 'test');
    expect(await store.list('digests')).toEqual(['digests-linux-arm64']);
    expect(await store.get('digests-linux-arm64')).toEqual([{ name: 'linux-arm64.json', content: '{"a":2}' }]);
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'digests-linux-amd64'));
    await expect(store.list('digests')).rejects.toThrow(/digests-linux-amd64 is a broken symbolic link/);
    const other = await mkdtemp(path.join(os.tmpdir(), 'moam-store-'));
    await writeFile(path.join(other, 'digests-linux-amd64'), '{}');
    await mkdir(path.join(other, 'digests-linux-arm64'));
    await expect(localStore(other, 'test').list('digests')).rejects.toThrow(/digests-linux-amd64 is not a directory/);
  });

  it('chooses explicitly and says why', () => {
    expect(chooseHandoffStore({ RUNNER_TEMP: '/rt' }).description).toMatch(/local directory \/rt\/moam-handoff \(not running in GitHub Actions/);
    expect(chooseHandoffStore({ MOAM_HANDOFF_DIR: '/h' }).description).toMatch(/local directory \/h \(MOAM_HANDOFF_DIR is set/);
    expect(chooseHandoffStore({ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://x/' }).description).toMatch(/GitHub Actions artifacts/);
  });
});
