/**
 * Validation of a workflow file with GitHub's own parser (@actions/workflow-parser, the one behind the Actions
 * language server): schema, expressions' syntax, `needs`, and the inputs/secrets of local reusable-workflow calls.
 *
 * Its converted model drops what an executor needs (`with:`, `shell`, `timeout-minutes`, `permissions`,
 * `working-directory`, workflow_call outputs), so run.ts executes the YAML itself (model.ts) and uses the
 * parser for validation only.
 *
 * The package's ES modules import JSON without import attributes, which Node refuses, so it is bundled once
 * per process with esbuild (it inlines the JSON), as packages/repo-checks does. The banner gives the bundle a
 * `require` for the CommonJS dependencies it inlines (needed under tsx, harmless under vitest).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileProvider } from '@actions/workflow-parser/workflows/file-provider';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { build } from 'esbuild';

type WorkflowParser = typeof import('@actions/workflow-parser');
type Convert = typeof import('@actions/workflow-parser/model/convert');
type Parser = Pick<WorkflowParser, 'parseWorkflow' | 'convertWorkflowTemplate' | 'NoOperationTraceWriter'> & Pick<Convert, 'ErrorPolicy'>;

const resolveDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
let parser: Promise<Parser> | undefined;

async function bundleParser(): Promise<Parser> {
  const result = await build({
    stdin: {
      contents: [
        "export { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';",
        "export { ErrorPolicy } from '@actions/workflow-parser/model/convert';",
      ].join('\n'),
      resolveDir,
      loader: 'js',
    },
    banner: { js: "import { createRequire as __moamCreateRequire } from 'node:module'; const require = __moamCreateRequire(import.meta.url);" },
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

/** Local reusable workflows (./.github/workflows/x.yml) from the repository root; anything remote is refused. */
function localFiles(repoRoot: string): FileProvider {
  return {
    async getFileContent(ref: FileReference) {
      if ('repository' in ref) throw new Error(`remote reusable workflow ${ref.owner}/${ref.repository}/${ref.path}@${ref.version} is not available offline`);
      const rel = ref.path.replace(/^\.\//, '');
      return { name: rel, content: await readFile(path.join(repoRoot, rel), 'utf8') };
    },
  };
}

/** The parser's errors for one workflow file (empty when valid). */
export async function validateWorkflowFile(repoRoot: string, rel: string, content: string): Promise<string[]> {
  parser ??= bundleParser();
  const p = await parser;
  const parsed = p.parseWorkflow({ name: rel, content }, new p.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return errors.length ? errors : [`${rel}: could not be parsed`];
  const template = await p.convertWorkflowTemplate(parsed.context, parsed.value, localFiles(repoRoot), {
    errorPolicy: p.ErrorPolicy.TryConversion,
    fetchReusableWorkflowDepth: 1,
  });
  for (const e of template.errors ?? []) if (!errors.includes(e.Message)) errors.push(e.Message);
  return errors;
}
