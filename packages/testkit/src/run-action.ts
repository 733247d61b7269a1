import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The ::error:: lines the action printed (what the runner shows as annotations). */
  errors: string[];
  durationMs: number;
}

export interface RunOptions {
  inputs: Record<string, string>;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the action after this many ms (interruption tests). */
  killAfterMs?: number;
}

/** Parses the GITHUB_OUTPUT file format (name=value and name<<DELIM ... DELIM). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = line.match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const eq = line.indexOf('=');
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

const defaults = new Map<string, Promise<Record<string, string>>>();

/** The inputs' defaults from actions/<name>/action.yml, as the runner reads them. */
export function actionDefaults(name: string): Promise<Record<string, string>> {
  let d = defaults.get(name);
  if (!d) {
    d = readFile(path.join(repoRoot, 'actions', name, 'action.yml'), 'utf8').then((text) => {
      const spec = parse(text) as { inputs?: Record<string, { default?: unknown }> };
      return Object.fromEntries(Object.entries(spec.inputs ?? {}).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, String(v.default)]])));
    });
    defaults.set(name, d);
  }
  return d;
}

/** Runs actions/<name>/dist/index.js with plain node, INPUT_* env and the runner's file commands. */
export async function runBundledAction(name: string, opts: RunOptions): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `moam-run-${name}-`));
  const outputFile = path.join(dir, 'github_output');
  const summaryFile = path.join(dir, 'step_summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('INPUT_')) env[k] = v;
  Object.assign(env, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: path.join(dir, 'runner_temp'),
    GITHUB_WORKSPACE: opts.cwd ?? repoRoot,
    // One tool cache per test process, like a runner's: the second install of cosign is a cache hit.
    RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE ?? path.join(os.tmpdir(), `moam-tool-cache-${process.pid}`),
  });
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Like the runner: every input the step does not set gets its action.yml default (which may be non-empty).
  const inputs = { ...(await actionDefaults(name)), ...opts.inputs };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  await import('node:fs/promises').then((fs) => fs.mkdir(env.RUNNER_TEMP as string, { recursive: true }));
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(repoRoot, 'actions', name, 'dist', 'index.js')], {
    cwd: opts.cwd ?? repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const timer = opts.killAfterMs ? setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs) : undefined;
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 137)));
  if (timer) clearTimeout(timer);
  const stdout = Buffer.concat(out).toString('utf8');
  return {
    exitCode,
    stdout,
    stderr: Buffer.concat(err).toString('utf8'),
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    errors: stdout.split('\n').filter((l) => l.startsWith('::error')).map((l) => l.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n').replace(/%25/g, '%')),
    durationMs: Date.now() - started,
  };
}
