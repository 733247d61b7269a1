// computeOciMetadata: the OCI labels and annotations of recorded runs (tag, branch, pull request, dispatch), and
// where source, url and title come from.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readGitHubContext } from '../src/github/context.ts';
import { computeOciMetadata, OCI } from '../src/oci-metadata.ts';
import { computeTags } from '../src/tags.ts';
import { type Scenario, scenario } from './support/github-scenario.ts';

const BASE = {
  [OCI.source]: 'https://github.com/octo-org/hello-image',
  [OCI.url]: 'https://github.com/octo-org/hello-image',
  [OCI.title]: 'hello-image',
};
const DESCRIPTION = 'A tiny multi-arch container image, built and signed by GitHub Actions.';

afterEach(() => {
  vi.useRealTimers();
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
