import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../src/errors.ts';
import type { Exec } from '../src/exec.ts';
import { readGitHubContext, type GitHubContext } from '../src/github/context.ts';
import { annotationArgsFor, computeOciMetadata, mergeUserMetadata, OCI, resolveCommitTime } from '../src/oci-metadata.ts';
import { computeTags } from '../src/tags.ts';

const FIXTURES = new URL('./fixtures/github/', import.meta.url);
type Scenario = 'push-tag' | 'push-branch' | 'pull-request' | 'workflow-dispatch';

function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES));
}

/** A recorded run: its env, and a readFile that serves the payload at the env's GITHUB_EVENT_PATH (as on a runner). */
function scenario(name: Scenario, patchEvent?: (event: Record<string, unknown>) => void) {
  const env = JSON.parse(readFileSync(fixturePath(`${name}.env.json`), 'utf8')) as Record<string, string>;
  const event = JSON.parse(readFileSync(fixturePath(`${name}.event.json`), 'utf8')) as Record<string, unknown>;
  patchEvent?.(event);
  const readFile = (p: string): string => {
    if (p === env.GITHUB_EVENT_PATH) return JSON.stringify(event);
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  };
  return { env, event, readFile, ctx: readGitHubContext(env, readFile) };
}

const BASE = {
  [OCI.source]: 'https://github.com/octo-org/hello-image',
  [OCI.url]: 'https://github.com/octo-org/hello-image',
  [OCI.title]: 'hello-image',
};
const DESCRIPTION = 'A tiny multi-arch container image, built and signed by GitHub Actions.';

afterEach(() => {
  vi.useRealTimers();
});

describe('readGitHubContext', () => {
  it('reads a tag push', () => {
    const { ctx } = scenario('push-tag');
    expect(ctx).toMatchObject({
      actions: true,
      serverUrl: 'https://github.com',
      repository: 'octo-org/hello-image',
      owner: 'octo-org',
      repo: 'hello-image',
      sha: '8f3a1c9e2b7d4f6a0c5e8b1d3f7a9c2e4b6d8f01',
      ref: 'refs/tags/v1.2.3',
      refName: 'v1.2.3',
      eventName: 'push',
      runId: '9087654321',
      runAttempt: '1',
      job: 'build',
      workflowRef: 'octo-org/hello-image/.github/workflows/release.yml@refs/tags/v1.2.3',
      eventPath: '/home/runner/work/_temp/_github_workflow/event.json',
      defaultBranch: 'main',
      notes: [],
    });
    expect(ctx.event?.head_commit?.timestamp).toBe('2024-05-14T12:03:41+02:00');
  });

  it('reads a pull request, keeping the head sha reachable', () => {
    const { ctx } = scenario('pull-request');
    expect(ctx.ref).toBe('refs/pull/42/merge');
    expect(ctx.sha).toBe('e2b9d7a41c3f5e6d7a8b9c0d1e2f3a4b5c6d7e8f');
    expect(ctx.event?.pull_request?.head?.sha).toBe('5114f85a2c8e7d1b3f6a9c0e4d7b2a8f1e3c5d79');
  });

  it('reads the payload from disk by default', () => {
    const ctx = readGitHubContext({ GITHUB_EVENT_PATH: fixturePath('workflow-dispatch.event.json') });
    expect(ctx.event?.inputs).toEqual({ version: '1.4.0-rc.1', push: 'true' });
    expect(ctx.repository).toBe('octo-org/hello-image');
    expect(ctx.defaultBranch).toBe('main');
  });

  it('is lenient outside Actions', () => {
    expect(readGitHubContext({})).toEqual({ actions: false, notes: [] });
    expect(readGitHubContext({ GITHUB_REPOSITORY: '  ', GITHUB_SHA: '' })).toEqual({ actions: false, notes: [] });
  });

  it('ignores a missing payload file quietly', () => {
    const ctx = readGitHubContext({ GITHUB_EVENT_PATH: fixturePath('does-not-exist.json') });
    expect(ctx.event).toBeUndefined();
    expect(ctx.notes).toEqual([]);
  });

  it.each([
    ['{not json', /is not valid JSON/],
    ['[1,2]', /does not hold a JSON object/],
    ['null', /does not hold a JSON object/],
  ])('notes an unusable payload %j', (text, note) => {
    const ctx = readGitHubContext({ GITHUB_EVENT_PATH: '/e.json' }, () => text);
    expect(ctx.event).toBeUndefined();
    expect(ctx.notes.join('\n')).toMatch(note);
  });

  it('notes an unreadable payload', () => {
    const ctx = readGitHubContext({ GITHUB_EVENT_PATH: '/e.json' }, () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });
    expect(ctx.notes.join('\n')).toMatch(/could not be read \(EACCES/);
  });

  it('strips a trailing slash from GITHUB_SERVER_URL', () => {
    expect(readGitHubContext({ GITHUB_SERVER_URL: 'https://ghe.example.com/' }).serverUrl).toBe('https://ghe.example.com');
  });
});

describe('computeOciMetadata from recorded events', () => {
  it('tag push: version from the tag, created from head_commit.timestamp (normalised to UTC)', () => {
    const { ctx } = scenario('push-tag');
    const plan = computeTags({ ref: ctx.ref ?? '', sha: ctx.sha ?? '', eventName: ctx.eventName ?? '', defaultBranch: ctx.defaultBranch, latest: 'auto', extraTags: [] });
    expect(plan.tags).toEqual(['1.2.3', '1.2', '1', 'latest']);
    const meta = computeOciMetadata(ctx, { version: plan.version });
    expect(meta.created).toBe('2024-05-14T10:03:41Z');
    expect(meta.labels).toEqual({
      [OCI.created]: '2024-05-14T10:03:41Z',
      ...BASE,
      [OCI.revision]: '8f3a1c9e2b7d4f6a0c5e8b1d3f7a9c2e4b6d8f01',
      [OCI.version]: '1.2.3',
      [OCI.description]: DESCRIPTION,
      [OCI.licenses]: 'Apache-2.0',
    });
    expect(meta.annotations).toEqual(meta.labels);
    expect(meta.annotations).not.toBe(meta.labels);
    expect(meta.notes).toEqual(["created 2024-05-14T10:03:41Z comes from the event payload's head_commit.timestamp."]);
  });

  it('branch push: sha version, edge on the default branch', () => {
    const { ctx } = scenario('push-branch');
    const plan = computeTags({ ref: ctx.ref ?? '', sha: ctx.sha ?? '', eventName: ctx.eventName ?? '', defaultBranch: ctx.defaultBranch, latest: 'auto', extraTags: [] });
    expect(plan.tags).toEqual(['sha-c0ffee4', 'edge']);
    const meta = computeOciMetadata(ctx, { version: plan.version });
    expect(meta.labels).toEqual({
      [OCI.created]: '2024-05-15T09:17:05Z',
      ...BASE,
      [OCI.revision]: 'c0ffee4b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60',
      [OCI.version]: 'sha-c0ffee4',
      [OCI.description]: DESCRIPTION,
      [OCI.licenses]: 'Apache-2.0',
    });
  });

  it('pull request: revision is GITHUB_SHA (the merge commit) unless overridden, NOASSERTION licence omitted, created from repository.pushed_at', () => {
    const { ctx } = scenario('pull-request');
    const plan = computeTags({ ref: ctx.ref ?? '', sha: ctx.sha ?? '', eventName: ctx.eventName ?? '', defaultBranch: ctx.defaultBranch, latest: 'auto', extraTags: [] });
    expect(plan).toMatchObject({ kind: 'pull_request', tags: ['sha-e2b9d7a'] });
    const meta = computeOciMetadata(ctx, { version: plan.version });
    expect(meta.labels).toEqual({
      [OCI.created]: '2024-05-14T10:03:50Z',
      ...BASE,
      [OCI.revision]: 'e2b9d7a41c3f5e6d7a8b9c0d1e2f3a4b5c6d7e8f',
      [OCI.version]: 'sha-e2b9d7a',
      [OCI.description]: DESCRIPTION,
    });
    expect(meta.notes.join('\n')).toMatch(/repository\.pushed_at/);
    const head = computeOciMetadata(ctx, { revision: ctx.event?.pull_request?.head?.sha });
    expect(head.labels[OCI.revision]).toBe('5114f85a2c8e7d1b3f6a9c0e4d7b2a8f1e3c5d79');
  });

  it('workflow_dispatch: explicit version input, no description or licence in the payload', () => {
    const { ctx } = scenario('workflow-dispatch');
    const version = String(ctx.event?.inputs?.version);
    const plan = computeTags({ ref: ctx.ref ?? '', sha: ctx.sha ?? '', eventName: ctx.eventName ?? '', defaultBranch: ctx.defaultBranch, version, latest: 'true', extraTags: [] });
    expect(plan).toMatchObject({ version: '1.4.0-rc.1', kind: 'prerelease', tags: ['1.4.0-rc.1'] });
    const meta = computeOciMetadata(ctx, { version: plan.version, title: 'Hello image' });
    expect(meta.labels).toEqual({
      [OCI.created]: '2024-05-14T10:03:50Z',
      ...BASE,
      [OCI.revision]: 'c0ffee4b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60',
      [OCI.version]: '1.4.0-rc.1',
      [OCI.title]: 'Hello image',
    });
  });

  it('reads the push payload quirk: repository.pushed_at in Unix seconds', () => {
    const { ctx } = scenario('push-tag', (e) => {
      e.head_commit = null;
    });
    expect(ctx.event?.repository?.pushed_at).toBe(1715681030);
    expect(computeOciMetadata(ctx).created).toBe('2024-05-14T10:03:50Z');
  });

  it('skips an unparsable payload time with a note', () => {
    const { ctx } = scenario('push-branch', (e) => {
      (e.head_commit as Record<string, unknown>).timestamp = 'yesterday';
    });
    const meta = computeOciMetadata(ctx);
    expect(meta.created).toBe('2024-05-14T10:03:50Z');
    expect(meta.notes.join('\n')).toMatch(/head_commit\.timestamp \("yesterday"\) is not a valid time/);
  });

  it.each<Scenario>(['push-tag', 'push-branch', 'pull-request', 'workflow-dispatch'])('%s: deterministic across calls, whatever the clock says', (name) => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2030, 0, 1, 12, 0, 0));
    const first = computeOciMetadata(scenario(name).ctx, { version: '1.0.0' });
    vi.setSystemTime(Date.UTC(2031, 6, 15, 3, 4, 5));
    const second = computeOciMetadata(scenario(name).ctx, { version: '1.0.0' });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.created).toMatch(/^2024-05-1\dT\d\d:\d\d:\d\dZ$/);
  });
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

describe('source, url and title', () => {
  it('uses GitHub Enterprise Server URLs from the environment', () => {
    const ctx = readGitHubContext({ GITHUB_SERVER_URL: 'https://ghe.example.com', GITHUB_REPOSITORY: 'team/app', GITHUB_SHA: 'abc' });
    expect(computeOciMetadata(ctx).labels).toEqual({
      [OCI.source]: 'https://ghe.example.com/team/app',
      [OCI.url]: 'https://ghe.example.com/team/app',
      [OCI.revision]: 'abc',
      [OCI.title]: 'app',
    });
  });

  it('falls back to the payload html_url when GITHUB_SERVER_URL is missing', () => {
    const { env, readFile } = scenario('push-tag');
    const ctx = readGitHubContext({ ...env, GITHUB_SERVER_URL: '' }, readFile);
    expect(computeOciMetadata(ctx).labels[OCI.source]).toBe('https://github.com/octo-org/hello-image');
  });

  it('assumes github.com with a note when only the repository is known', () => {
    const meta = computeOciMetadata(readGitHubContext({ GITHUB_REPOSITORY: 'octo-org/hello-image' }));
    expect(meta.labels[OCI.source]).toBe('https://github.com/octo-org/hello-image');
    expect(meta.notes.join('\n')).toMatch(/GITHUB_SERVER_URL is not set/);
  });

  it('takes the repository from the payload when GITHUB_REPOSITORY is missing', () => {
    const { env, readFile } = scenario('push-branch');
    const ctx = readGitHubContext({ ...env, GITHUB_REPOSITORY: '' }, readFile);
    expect(ctx.repository).toBe('octo-org/hello-image');
    expect(computeOciMetadata(ctx).labels[OCI.title]).toBe('hello-image');
  });

  it('emits nothing it does not know', () => {
    const meta = computeOciMetadata({ actions: false, notes: [] }, { version: '  ' });
    expect(meta.labels).toEqual({});
    expect(meta.annotations).toEqual({});
  });
});

describe('mergeUserMetadata', () => {
  const computed = { [OCI.title]: 'hello-image', [OCI.version]: '1.2.3', [OCI.licenses]: 'Apache-2.0' };

  it('lets user keys override computed ones, in place, and appends new keys in order', () => {
    const merged = mergeUserMetadata(computed, [
      ['com.example.team', 'platform'],
      [OCI.title, 'Hello'],
      [OCI.licenses, 'MIT'],
    ]);
    expect(Object.entries(merged)).toEqual([
      [OCI.title, 'Hello'],
      [OCI.version, '1.2.3'],
      [OCI.licenses, 'MIT'],
      ['com.example.team', 'platform'],
    ]);
    expect(computed[OCI.title]).toBe('hello-image');
  });

  it('the last of repeated user keys wins; empty values are kept (a deliberate blank)', () => {
    expect(mergeUserMetadata(computed, [[OCI.version, 'a'], [OCI.version, '']])[OCI.version]).toBe('');
  });

  it('treats __proto__ as a plain key', () => {
    const merged = mergeUserMetadata({}, [['__proto__', 'x']]);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('annotationArgsFor', () => {
  const annotations = { [OCI.title]: 'hello-image', [OCI.version]: '1.2.3' };

  it('prefixes every key with the level', () => {
    expect(annotationArgsFor('index', annotations)).toEqual([`index:${OCI.title}=hello-image`, `index:${OCI.version}=1.2.3`]);
    expect(annotationArgsFor('manifest-descriptor', { a: 'b=c' })).toEqual(['manifest-descriptor:a=b=c']);
  });

  it('emits unprefixed keys once per level when given several', () => {
    expect(annotationArgsFor(['manifest', 'index'], { a: '1' })).toEqual(['manifest:a=1', 'index:a=1']);
  });

  it('keeps user prefixes as given, once', () => {
    const user = mergeUserMetadata(annotations, [
      ['index:com.example.note', 'only on the index'],
      ['manifest[linux/arm64]:com.example.arch', 'arm64'],
      ['manifest,index-descriptor:com.example.both', 'x'],
    ]);
    expect(annotationArgsFor(['manifest', 'index'], user)).toEqual([
      `manifest:${OCI.title}=hello-image`,
      `index:${OCI.title}=hello-image`,
      `manifest:${OCI.version}=1.2.3`,
      `index:${OCI.version}=1.2.3`,
      'index:com.example.note=only on the index',
      'manifest[linux/arm64]:com.example.arch=arm64',
      'manifest,index-descriptor:com.example.both=x',
    ]);
  });

  it('a prefixed user key overrides the computed key at that level only', () => {
    const user = mergeUserMetadata(annotations, [[`index:${OCI.title}`, 'Hello']]);
    expect(annotationArgsFor(['manifest', 'index'], user)).toEqual([
      `manifest:${OCI.title}=hello-image`,
      `manifest:${OCI.version}=1.2.3`,
      `index:${OCI.version}=1.2.3`,
      `index:${OCI.title}=Hello`,
    ]);
  });

  it('a platform-qualified user key does not override the unqualified one', () => {
    const user = { a: '1', 'manifest[linux/amd64]:a': '2' };
    expect(annotationArgsFor('manifest', user)).toEqual(['manifest:a=1', 'manifest[linux/amd64]:a=2']);
  });

  it('treats an unknown prefix as part of the key', () => {
    expect(annotationArgsFor('index', { 'layer:foo': 'x' })).toEqual(['index:layer:foo=x']);
  });

  it('refuses a key that cannot be passed as key=value', () => {
    expect(() => annotationArgsFor('index', { 'a=b': 'c' })).toThrow(expect.objectContaining({ input: 'annotations' }));
    expect(() => annotationArgsFor('index', { ' ': 'c' })).toThrow(InputError);
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
