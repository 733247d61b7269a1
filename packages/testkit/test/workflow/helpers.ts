// Scratch repositories for the workflow executor's tests: workflow files and tiny fake JavaScript actions.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PushEvent } from '../../src/workflow/index.ts';

export const SHA = '0123456789abcdef0123456789abcdef01234567';
export const REPO = 'octo-org/octo-repo';

export function push(tag = '1.2.3'): PushEvent {
  return { name: 'push', ref: `refs/tags/${tag}`, sha: SHA };
}

/** A temporary repository root with these files (paths relative to it). */
export async function scratchRepo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'moam-wf-test-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

/** The files of a fake JavaScript action at actions/<name>: action.yml and a CommonJS dist/index.js body. */
export function fakeAction(name: string, spec: { inputs?: Record<string, string | null>; outputs?: string[]; js: string }): Record<string, string> {
  const inputs = Object.entries(spec.inputs ?? {})
    .map(([k, d]) => `  ${k}:\n    description: ${k}\n${d === null ? '' : `    default: ${JSON.stringify(d)}\n`}`)
    .join('');
  const outputs = (spec.outputs ?? []).map((o) => `  ${o}:\n    description: ${o}\n`).join('');
  return {
    [`actions/${name}/action.yml`]: `name: ${name}\ndescription: fake\n${inputs ? `inputs:\n${inputs}` : ''}${outputs ? `outputs:\n${outputs}` : ''}runs:\n  using: node24\n  main: dist/index.js\n`,
    [`actions/${name}/dist/index.js`]: `const fs = require('node:fs');\nconst input = (n) => process.env['INPUT_' + n.replace(/ /g, '_').toUpperCase()] ?? '';\nconst output = (k, v) => fs.appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n');\n${spec.js}\n`,
  };
}

/** Lines collected from the executor's log option (for debugging a failing test). */
export function logSink(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}

/** Runs one workflow text (as .github/workflows/w.yml, plus `files`) on a push of tag 1.2.3. */
export async function runYaml(
  yaml: string,
  options: Partial<import('../../src/workflow/index.ts').RunWorkflowOptions> & { files?: Record<string, string> } = {},
): Promise<import('../../src/workflow/index.ts').WorkflowRunResult> {
  const { files, ...rest } = options;
  const root = await scratchRepo({ '.github/workflows/w.yml': yaml, ...files });
  const { runWorkflow } = await import('../../src/workflow/index.ts');
  return runWorkflow({ repoRoot: root, workflow: '.github/workflows/w.yml', event: push(), repository: REPO, keepRunDir: 'never', ...rest });
}
