// readGitHubContext: the run's GitHubContext from the runner's env and event payload (recorded runs), and how it
// copes outside Actions or with a missing, unreadable or unusable payload.
import { describe, expect, it } from 'vitest';
import { readGitHubContext } from '../src/github/context.ts';
import { fixturePath, scenario } from './support/github-scenario.ts';

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
