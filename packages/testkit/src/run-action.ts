import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
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

/** Parses the GITHUB_OUTPUT file format (name=value and name<<DELIM ... DELIM); GITHUB_ENV has the same format. */
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

/** The inputs' defaults of an action.yml, as the runner reads them. */
export async function readActionDefaults(actionYml: string): Promise<Record<string, string>> {
  const spec = parse(await readFile(actionYml, 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  return Object.fromEntries(Object.entries(spec.inputs ?? {}).flatMap(([k, v]) => (v.default === undefined ? [] : [[k, String(v.default)]])));
}

const defaults = new Map<string, Promise<Record<string, string>>>();

/** The inputs' defaults from actions/<name>/action.yml, as the runner reads them. */
export function actionDefaults(name: string): Promise<Record<string, string>> {
  let d = defaults.get(name);
  if (!d) {
    d = readActionDefaults(path.join(repoRoot, 'actions', name, 'action.yml'));
    defaults.set(name, d);
  }
  return d;
}

/** INPUT_<NAME> variables the way the runner names them (spaces to underscores, upper case). */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
}

/** The messages of the ::error:: workflow commands in a step's stdout. */
export function errorAnnotations(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/^::error[^:]*::/, '').replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

export interface FileCommandRunOptions {
  /** The complete environment of the process: nothing is inherited. */
  env: Record<string, string>;
  cwd: string;
  /** Existing GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, read back after the process ends. */
  outputFile: string;
  summaryFile: string;
  /** SIGKILL the process after this many ms. */
  killAfterMs?: number;
  /**
   * Aborting stops the process and everything it started (it then runs in its own process group), as the
   * runner does when a step times out or its job is cancelled: SIGTERM, then SIGKILL after a grace period.
   */
  signal?: AbortSignal;
  /** Each chunk of stdout/stderr as it arrives (live logs). */
  onOutput?: (chunk: string) => void;
}

/**
 * Runs one step process with the runner's file commands and collects what the runner would: exit code,
 * outputs (GITHUB_OUTPUT), summary (GITHUB_STEP_SUMMARY) and ::error:: annotations.
 */
export async function runWithFileCommands(command: string, args: readonly string[], opts: FileCommandRunOptions): Promise<ActionRun> {
  const started = Date.now();
  const grouped = opts.signal !== undefined;
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: grouped });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => {
    out.push(c);
    opts.onOutput?.(c.toString('utf8'));
  });
  child.stderr.on('data', (c: Buffer) => {
    err.push(c);
    opts.onOutput?.(c.toString('utf8'));
  });
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const timers: NodeJS.Timeout[] = [];
  if (opts.killAfterMs) timers.push(setTimeout(() => (grouped ? killGroup('SIGKILL') : child.kill('SIGKILL')), opts.killAfterMs));
  const onAbort = () => {
    killGroup('SIGTERM');
    timers.push(setTimeout(() => killGroup('SIGKILL'), 2500));
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const exitCode = await new Promise<number>((resolve) => {
    let code: number | undefined;
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(code ?? c ?? 137));
    // A grouped step may leave background processes holding its stdout: do not wait for them forever.
    if (grouped) child.on('exit', (c, s) => ((code = c ?? (s ? 137 : 1)), timers.push(setTimeout(() => resolve(code as number), 2000))));
  });
  for (const t of timers) clearTimeout(t);
  opts.signal?.removeEventListener('abort', onAbort);
  const stdout = Buffer.concat(out).toString('utf8');
  return {
    exitCode,
    stdout,
    stderr: Buffer.concat(err).toString('utf8'),
    outputs: parseOutputFile(await readFile(opts.outputFile, 'utf8')),
    summary: await readFile(opts.summaryFile, 'utf8'),
    errors: errorAnnotations(stdout),
    durationMs: Date.now() - started,
  };
}

/**
 * The node our bundles run on: Node 24 from the test bed (MOAM_NODE24, installed by scripts/testbed/node24.sh), the
 * runtime GitHub's runner starts them with (`runs: using: node24`), never the toolchain's node that runs the tests.
 */
export function node24(): string {
  const node = process.env.MOAM_NODE24;
  const fix = 'run `bash scripts/testbed.sh up` (it installs Node 24), then `source <(bash scripts/testbed.sh env)`, or run the tests through scripts/test.sh';
  if (!node) throw new Error(`MOAM_NODE24 is not set: the bundles run on Node 24, as on GitHub (runs: using: node24); ${fix}`);
  if (!existsSync(node)) throw new Error(`MOAM_NODE24 is ${node}, which does not exist; ${fix}`);
  return node;
}

/** Runs actions/<name>/dist/index.js with Node 24 (node24()), INPUT_* env and the runner's file commands. */
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
  Object.assign(env, inputEnv({ ...(await actionDefaults(name)), ...opts.inputs }));
  await mkdir(env.RUNNER_TEMP as string, { recursive: true });
  return runWithFileCommands(node24(), [path.join(repoRoot, 'actions', name, 'dist', 'index.js')], {
    env,
    cwd: opts.cwd ?? repoRoot,
    outputFile,
    summaryFile,
    ...(opts.killAfterMs ? { killAfterMs: opts.killAfterMs } : {}),
  });
}
