// org.opencontainers.image.created: SOURCE_DATE_EPOCH, the commit time (resolveCommitTime) or the payload, never
// the clock.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/errors.ts';
import type { Exec } from '../src/exec.ts';
import type { GitHubContext } from '../src/github/context.ts';
import { computeOciMetadata, OCI, resolveCommitTime } from '../src/oci-metadata.ts';
import { scenario } from './support/github-scenario.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('created', () => {
  const commitTime = new Date('2024-05-13T08:00:00.750Z');

  it('prefers SOURCE_DATE_EPOCH over the commit time and the payload', () => {
    const meta = computeOciMetadata(scenario('push-tag').ctx, { sourceDateEpoch: '1700000000', commitTime });
    expect(meta.created).toBe('2023-11-14T22:13:20Z');
    expect(meta.labels[OCI.created]).toBe('2023-11-14T22:13:20Z');
    expect(meta.annotations[OCI.created]).toBe('2023-11-14T22:13:20Z');
    expect(meta.notes).toEqual(['created 2023-11-14T22:13:20Z comes from SOURCE_DATE_EPOCH.']);
  });

  it('accepts SOURCE_DATE_EPOCH=0 and surrounding whitespace', () => {
    expect(computeOciMetadata({ actions: false, notes: [] }, { sourceDateEpoch: ' 0\n' }).created).toBe('1970-01-01T00:00:00Z');
  });

  it('treats an empty SOURCE_DATE_EPOCH as unset', () => {
    expect(computeOciMetadata(scenario('push-tag').ctx, { sourceDateEpoch: '', commitTime }).created).toBe('2024-05-13T08:00:00Z');
  });

  it.each(['abc', '1.5', '-1', '1e9', '0x10', '17000000000000', '2024-05-14T10:03:41Z'])('refuses SOURCE_DATE_EPOCH=%j, naming it', (value) => {
    const run = () => computeOciMetadata(scenario('push-tag').ctx, { sourceDateEpoch: value });
    expect(run).toThrow(InputError);
    expect(run).toThrow(expect.objectContaining({ input: 'SOURCE_DATE_EPOCH' }));
    expect(run).toThrow(`"${value}"`);
  });

  it('prefers the commit time over the payload, dropping milliseconds', () => {
    const meta = computeOciMetadata(scenario('push-tag').ctx, { commitTime });
    expect(meta.created).toBe('2024-05-13T08:00:00Z');
    expect(meta.notes).toEqual(['created 2024-05-13T08:00:00Z is the commit time of HEAD.']);
  });

  it('ignores an invalid commit time with a note', () => {
    const meta = computeOciMetadata(scenario('push-tag').ctx, { commitTime: new Date(Number.NaN) });
    expect(meta.created).toBe('2024-05-14T10:03:41Z');
    expect(meta.notes[0]).toMatch(/not a valid date/);
  });

  it('never falls back to the current time: omits created and says why', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    const ctx: GitHubContext = { actions: true, notes: [], repository: 'octo-org/hello-image', serverUrl: 'https://github.com', sha: 'c0ffee4b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60' };
    const meta = computeOciMetadata(ctx, { version: 'sha-c0ffee4' });
    expect(meta).not.toHaveProperty('created');
    expect(meta.labels).not.toHaveProperty(OCI.created);
    expect(meta.annotations).not.toHaveProperty(OCI.created);
    expect(meta.notes.join('\n')).toMatch(/org\.opencontainers\.image\.created is omitted/);
    expect(JSON.stringify(meta)).not.toContain('2030');
  });

  it('source files never read the clock', () => {
    for (const file of ['tags.ts', 'oci-metadata.ts', 'github/context.ts']) {
      const src = readFileSync(fileURLToPath(new URL(`../src/${file}`, import.meta.url)), 'utf8');
      expect(src, file).not.toMatch(/Date\.now|new Date\(\s*\)|performance\.now|process\.hrtime/);
    }
  });
});

describe('resolveCommitTime', () => {
  function fakeExec(result: { stdout?: string; fail?: boolean }) {
    const calls: Array<{ file: string; args: readonly string[] }> = [];
    const exec: Exec = async (file, args) => {
      calls.push({ file, args });
      if (result.fail) throw new Error('fatal: not a git repository (or any of the parent directories): .git');
      return { exitCode: 0, stdout: result.stdout ?? '', stderr: '' };
    };
    return { exec, calls };
  }

  it('asks git for the committer time of HEAD, as an argument array', async () => {
    const { exec, calls } = fakeExec({ stdout: '1715681021\n' });
    const t = await resolveCommitTime(exec, '/home/runner/work/hello-image/hello-image');
    expect(t?.toISOString()).toBe('2024-05-14T10:03:41.000Z');
    expect(calls).toEqual([{ file: 'git', args: ['-C', '/home/runner/work/hello-image/hello-image', 'show', '-s', '--format=%ct', 'HEAD'] }]);
  });

  it('returns undefined when git fails', async () => {
    expect(await resolveCommitTime(fakeExec({ fail: true }).exec, '/tmp')).toBeUndefined();
  });

  it.each(['', 'not a number\n', '-5', '99999999999999'])('returns undefined for unexpected output %j', async (stdout) => {
    expect(await resolveCommitTime(fakeExec({ stdout }).exec, '/tmp')).toBeUndefined();
  });

  it('feeds computeOciMetadata', async () => {
    const commitTime = await resolveCommitTime(fakeExec({ stdout: '1715681021' }).exec, '.');
    expect(computeOciMetadata(scenario('pull-request').ctx, { commitTime }).created).toBe('2024-05-14T10:03:41Z');
  });
});
