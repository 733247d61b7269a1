/**
 * Validation against GitHub's own workflow and action schemas (@actions/workflow-parser, the parser behind
 * the Actions language server).
 *
 * The package's ES modules import its JSON schemas without `with { type: 'json' }`, which Node refuses, and
 * vitest hands node_modules to Node as they are. So the parser is bundled once per process with esbuild
 * (already a dev dependency; it inlines the JSON) and the bundle is imported from a temporary file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { build } from 'esbuild';
import { REPO_ROOT } from './repo.ts';

type WorkflowParser = typeof import('@actions/workflow-parser');
type ActionParser = typeof import('@actions/workflow-parser/actions/index');
type Convert = typeof import('@actions/workflow-parser/model/convert');
type Parser = Pick<WorkflowParser, 'parseWorkflow' | 'convertWorkflowTemplate' | 'NoOperationTraceWriter'> &
  Pick<ActionParser, 'parseAction' | 'convertActionTemplate'> &
  Pick<Convert, 'ErrorPolicy'>;

let parser: Promise<Parser> | undefined;

async function bundleParser(): Promise<Parser> {
  const result = await build({
    stdin: {
      contents: [
        "export { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';",
        "export { parseAction, convertActionTemplate } from '@actions/workflow-parser/actions/index';",
        "export { ErrorPolicy } from '@actions/workflow-parser/model/convert';",
      ].join('\n'),
      resolveDir: REPO_ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'moam-workflow-parser-'));
  try {
    const file = path.join(dir, 'workflow-parser.mjs');
    writeFileSync(file, result.outputFiles[0]!.contents);
    return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Parser;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function loadParser(): Promise<Parser> {
  parser ??= bundleParser();
  return parser;
}

export interface SchemaResult {
  errors: string[];
}

/** Reusable workflows from a map of repository-relative paths (./.github/workflows/x.yml and our own owner/repo/...@ref). */
export function mapFileProvider(files: ReadonlyMap<string, string>, ownRepository: string): FileProvider {
  return {
    getFileContent(ref: FileReference) {
      const own = 'repository' in ref ? `${ref.owner}/${ref.repository}`.toLowerCase() === ownRepository.toLowerCase() : true;
      const p = ref.path.replace(/^\.\//, '');
      const content = own ? files.get(p) : undefined;
      if (content === undefined) return Promise.reject(new Error(`reusable workflow ${p} is not available offline`));
      return Promise.resolve({ name: p, content });
    },
  };
}

/**
 * Parses the workflow against the schema, then converts it (which checks needs, matrix, outputs and, with a
 * file provider, the inputs and secrets passed to a reusable workflow).
 */
export async function validateWorkflow(name: string, content: string, fileProvider?: FileProvider): Promise<SchemaResult> {
  const p = await loadParser();
  const parsed = p.parseWorkflow({ name, content }, new p.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return { errors: errors.length ? errors : [`${name}: could not be parsed`] };
  const template = await p.convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, {
    errorPolicy: p.ErrorPolicy.TryConversion,
    fetchReusableWorkflowDepth: fileProvider ? 1 : 0,
  });
  for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  return { errors };
}

/** action.yml against the action schema, then converted to a typed template. */
export async function validateAction(name: string, content: string): Promise<SchemaResult> {
  const p = await loadParser();
  const parsed = p.parseAction({ name, content }, new p.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return { errors: errors.length ? errors : [`${name}: could not be parsed`] };
  if (errors.length === 0) {
    p.convertActionTemplate(parsed.context, parsed.value);
    errors.push(...parsed.context.errors.getErrors().map((e) => e.message));
  }
  return { errors };
}
