// Recorded GitHub Actions runs (fixtures/github/): each scenario's env and event payload, and the GitHubContext
// readGitHubContext makes of them, served the way a runner serves GITHUB_EVENT_PATH.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readGitHubContext } from '../../src/github/context.ts';

const FIXTURES = new URL('../fixtures/github/', import.meta.url);
export type Scenario = 'push-tag' | 'push-branch' | 'pull-request' | 'workflow-dispatch';

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES));
}

/** A recorded run: its env, and a readFile that serves the payload at the env's GITHUB_EVENT_PATH (as on a runner). */
export function scenario(name: Scenario, patchEvent?: (event: Record<string, unknown>) => void) {
  const env = JSON.parse(readFileSync(fixturePath(`${name}.env.json`), 'utf8')) as Record<string, string>;
  const event = JSON.parse(readFileSync(fixturePath(`${name}.event.json`), 'utf8')) as Record<string, unknown>;
  patchEvent?.(event);
  const readFile = (p: string): string => {
    if (p === env.GITHUB_EVENT_PATH) return JSON.stringify(event);
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  };
  return { env, event, readFile, ctx: readGitHubContext(env, readFile) };
}
