/**
 * `uses:` of a step: our own JavaScript actions (`$/path`: the workflow's own repository at the running
 * commit; `./path`: the job's workspace, as on GitHub) or a row of the third-party table. Resolved before the
 * run starts, so an unmapped action or an action kind we cannot run fails before any job does.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { type ActionRun, inputEnv, node24, repoRoot, runWithFileCommands } from '../run-action.ts';
import { WorkflowError, type Where } from './yaml.ts';
import { parseRemoteUses, type RemoteUses, type StepMap, type StepMapping } from './third-party.ts';

export type Resolved =
  | { kind: 'action'; base: 'self' | 'workspace'; rel: string }
  | { kind: 'mapped'; key: string; mapping: StepMapping; uses: RemoteUses };

export function resolveUses(uses: string, stepMap: StepMap, where: Where): Resolved {
  if (uses.startsWith('$/') || uses.startsWith('./')) {
    if (uses.includes('@')) throw new WorkflowError(`uses: ${uses}: a repository-relative action takes no @ref`, where);
    const rel = path.posix.normalize(uses.slice(2));
    if (rel.startsWith('..')) throw new WorkflowError(`uses: ${uses} leaves the repository`, where);
    return { kind: 'action', base: uses.startsWith('$') ? 'self' : 'workspace', rel };
  }
  if (uses.startsWith('docker://')) throw new WorkflowError(`uses: ${uses}: container actions are not supported`, where);
  const remote = parseRemoteUses(uses);
  if (!remote) throw new WorkflowError(`uses: ${uses} is not owner/repo[/path]@ref`, where);
  const key = `${remote.owner}/${remote.repo}`.toLowerCase();
  const mapping = stepMap[key];
  if (!mapping) throw new WorkflowError(`uses: ${uses}: no local equivalent for ${key} in the third-party table (third-party.ts, or the stepMap option)`, where);
  return { kind: 'mapped', key, mapping, uses: remote };
}

export interface ActionMeta {
  dir: string;
  /** Input name -> default as written (may hold expressions); undefined when it has none. */
  inputs: Record<string, string | undefined>;
  outputs: string[];
  main: string;
}

const metas = new Map<string, Promise<ActionMeta>>();

async function readMeta(dir: string, where: Where): Promise<ActionMeta> {
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new WorkflowError(`no action.yml in ${dir}`, where);
  const spec = parse(await readFile(file, 'utf8')) as {
    inputs?: Record<string, { default?: unknown } | null>;
    outputs?: Record<string, unknown>;
    runs?: { using?: string; main?: string; pre?: string; post?: string };
  };
  const runs = spec.runs ?? {};
  if (!/^node\d+$/.test(runs.using ?? '')) throw new WorkflowError(`${file}: runs.using ${String(runs.using)}: only JavaScript (node*) actions are supported`, where);
  if (runs.pre || runs.post) throw new WorkflowError(`${file}: pre/post scripts are not supported`, where);
  const main = path.join(dir, runs.main ?? '');
  if (!runs.main || !existsSync(main)) throw new WorkflowError(`${file}: runs.main ${String(runs.main)} does not exist (is dist/ built?)`, where);
  const inputs = Object.fromEntries(Object.entries(spec.inputs ?? {}).map(([k, v]) => [k, v?.default === undefined ? undefined : String(v.default)]));
  return { dir, inputs, outputs: Object.keys(spec.outputs ?? {}), main };
}

/** action.yml of a JavaScript action (read once per directory and run). */
export function actionMeta(dir: string, where: Where): Promise<ActionMeta> {
  let m = metas.get(dir);
  if (!m) {
    m = readMeta(dir, where);
    metas.set(dir, m);
    m.catch(() => metas.delete(dir));
  }
  return m;
}

export interface ActionIo {
  /** The step's environment without inputs. */
  env: Record<string, string>;
  cwd: string;
  outputFile: string;
  summaryFile: string;
  signal: AbortSignal;
  onOutput(chunk: string): void;
}

/**
 * The node a JavaScript action runs on. Our own bundles (this checkout's actions/<name>, also when reached through a
 * symlink or ownActions()) run on Node 24 from the test bed, as on GitHub (`runs: using: node24`); without it the
 * run fails (node24() says how to get it). Any other action, e.g. the fakes of the executor's unit tests in scratch
 * repositories, runs on the node that runs the tests, so those tests need no test bed.
 */
export function actionNode(meta: ActionMeta): string {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const own = real(path.join(repoRoot, 'actions')) + path.sep;
  return real(meta.main).startsWith(own) ? node24() : process.execPath;
}

/**
 * Runs a JavaScript action exactly as run-action.ts does: INPUT_* from action.yml defaults overlaid with `with:`,
 * node (actionNode()) on its main file, outputs/summary from the file commands. `inputs` are already evaluated.
 */
export async function runJsAction(meta: ActionMeta, inputs: Record<string, string>, io: ActionIo): Promise<ActionRun> {
  const env = { ...io.env, GITHUB_ACTION_PATH: meta.dir, ...inputEnv(inputs) };
  return runWithFileCommands(actionNode(meta), [meta.main], { env, cwd: io.cwd, outputFile: io.outputFile, summaryFile: io.summaryFile, signal: io.signal, onOutput: io.onOutput });
}
