/**
 * The workflow file as the executor sees it: the YAML, validated by GitHub's parser (validate.ts), then checked
 * key by key against what this executor implements. A key it does not implement fails the load naming the
 * file, job and step, rather than being ignored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { parsePermissions, type Permissions } from './permissions.ts';
import { validateWorkflowFile } from './validate.ts';
import { WorkflowError, type Where, type Yaml, type YamlMap } from './yaml.ts';

export interface StepDef {
  index: number;
  id?: string;
  /** For messages: "Name" (id) or #n. */
  label: string;
  name?: Yaml;
  if?: Yaml;
  uses?: string;
  with: YamlMap;
  run?: string;
  shell?: 'bash' | 'sh';
  env: YamlMap;
  continueOnError?: Yaml;
  timeoutMinutes?: Yaml;
  workingDirectory?: Yaml;
}

interface BaseJob {
  id: string;
  name?: Yaml;
  needs: string[];
  if?: Yaml;
  /** As written on the job (undefined: inherited, see permissions.ts). */
  permissions?: Permissions;
  concurrency?: Yaml;
}

export interface RunnerJob extends BaseJob {
  kind: 'job';
  runsOn?: Yaml;
  timeoutMinutes?: Yaml;
  strategy?: { matrix?: Yaml; failFast?: Yaml; maxParallel?: Yaml };
  outputs: YamlMap;
  env: YamlMap;
  steps: StepDef[];
}

export interface CallJob extends BaseJob {
  kind: 'call';
  /** Repository-relative path of the called workflow. */
  workflow: string;
  with: YamlMap;
  secrets: 'inherit' | YamlMap;
}

export type JobDef = RunnerJob | CallJob;

export interface CallInput {
  type: 'string' | 'boolean' | 'number';
  required: boolean;
  default?: Yaml;
}

export interface WorkflowCall {
  inputs: Record<string, CallInput>;
  secrets: Record<string, { required: boolean }>;
  outputs: Record<string, Yaml>;
}

export interface WorkflowDef {
  /** Repository-relative path, e.g. .github/workflows/release.yml. */
  file: string;
  /** `name:`, else the path (as GitHub shows it). */
  name: string;
  on: YamlMap;
  call?: WorkflowCall;
  permissions?: Permissions;
  env: YamlMap;
  concurrency?: Yaml;
  jobs: Map<string, JobDef>;
}

const isMap = (v: Yaml | undefined): v is YamlMap => typeof v === 'object' && v !== null && !Array.isArray(v);

function keys(obj: YamlMap, allowed: readonly string[], what: string, where: Where): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) throw new WorkflowError(`${what}: ${extra.map((k) => `\`${k}\``).join(', ')} not supported by the local executor (supported: ${allowed.join(', ')})`, where);
}

function map(v: Yaml | undefined, what: string, where: Where): YamlMap {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw new WorkflowError(`${what} must be a mapping`, where);
  return v;
}

function str(v: Yaml | undefined, what: string, where: Where): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new WorkflowError(`${what} must be a string`, where);
  return v;
}

function step(raw: Yaml, index: number, where: Where): StepDef {
  const s = map(raw, `step #${index + 1}`, where);
  const label = typeof s.name === 'string' ? `"${s.name}"${s.id ? ` (${String(s.id)})` : ''}` : s.id ? `"${String(s.id)}"` : `#${index + 1}`;
  const at = { ...where, step: label };
  keys(s, ['id', 'name', 'if', 'uses', 'with', 'run', 'shell', 'env', 'continue-on-error', 'timeout-minutes', 'working-directory'], 'step', at);
  const shell = s.shell;
  if (shell !== undefined && shell !== 'bash' && shell !== 'sh') throw new WorkflowError(`shell: ${JSON.stringify(shell)} is not supported (bash or sh)`, at);
  if (s.run !== undefined && (typeof s.run === 'object' || s.run === null)) throw new WorkflowError('run must be a string', at);
  return {
    index,
    label,
    ...(s.id !== undefined ? { id: String(s.id) } : {}),
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.if !== undefined ? { if: s.if } : {}),
    ...(s.uses !== undefined ? { uses: str(s.uses, 'uses', at) as string } : {}),
    with: map(s.with, 'with', at),
    ...(s.run !== undefined ? { run: String(s.run) } : {}),
    ...(shell ? { shell } : {}),
    env: map(s.env, 'env', at),
    ...(s['continue-on-error'] !== undefined ? { continueOnError: s['continue-on-error'] } : {}),
    ...(s['timeout-minutes'] !== undefined ? { timeoutMinutes: s['timeout-minutes'] } : {}),
    ...(s['working-directory'] !== undefined ? { workingDirectory: s['working-directory'] } : {}),
  };
}

function job(id: string, raw: Yaml, file: string): JobDef {
  const where = { file, job: id };
  const j = map(raw, 'job', where);
  const needs = j.needs === undefined ? [] : (Array.isArray(j.needs) ? j.needs : [j.needs]).map(String);
  const base = {
    id,
    needs,
    ...(j.name !== undefined ? { name: j.name } : {}),
    ...(j.if !== undefined ? { if: j.if } : {}),
    ...(j.permissions !== undefined ? { permissions: parsePermissions(j.permissions, where) } : {}),
    ...(j.concurrency !== undefined ? { concurrency: j.concurrency } : {}),
  };
  if (j.uses !== undefined) {
    keys(j, ['name', 'needs', 'if', 'uses', 'with', 'secrets', 'permissions', 'concurrency'], 'reusable-workflow call job', where);
    const uses = str(j.uses, 'uses', where) as string;
    const m = /^\.\/(\.github\/workflows\/[^@]+\.ya?ml)$/.exec(uses);
    if (!m) throw new WorkflowError(`uses: ${uses}: only local reusable workflows (./.github/workflows/<file>.yml) can run offline`, where);
    const secrets = j.secrets === 'inherit' ? 'inherit' : map(j.secrets, 'secrets', where);
    return { ...base, kind: 'call', workflow: m[1] as string, with: map(j.with, 'with', where), secrets };
  }
  keys(j, ['name', 'needs', 'if', 'runs-on', 'timeout-minutes', 'permissions', 'strategy', 'outputs', 'steps', 'env', 'concurrency'], 'job', where);
  let strategy: RunnerJob['strategy'];
  if (j.strategy !== undefined) {
    const s = map(j.strategy, 'strategy', where);
    keys(s, ['matrix', 'fail-fast', 'max-parallel'], 'strategy', where);
    strategy = { matrix: s.matrix, failFast: s['fail-fast'], maxParallel: s['max-parallel'] };
  }
  if (!Array.isArray(j.steps) || j.steps.length === 0) throw new WorkflowError('a job needs steps', where);
  return {
    ...base,
    kind: 'job',
    runsOn: j['runs-on'],
    timeoutMinutes: j['timeout-minutes'],
    ...(strategy ? { strategy } : {}),
    outputs: map(j.outputs, 'outputs', where),
    env: map(j.env, 'env', where),
    steps: j.steps.map((s, i) => step(s, i, where)),
  };
}

function workflowCall(raw: Yaml, file: string): WorkflowCall {
  const where = { file };
  const c = map(raw, 'on.workflow_call', where);
  keys(c, ['inputs', 'secrets', 'outputs'], 'on.workflow_call', where);
  const inputs: Record<string, CallInput> = {};
  for (const [name, v] of Object.entries(map(c.inputs, 'inputs', where))) {
    const i = map(v, `input ${name}`, where);
    keys(i, ['description', 'type', 'required', 'default'], `input ${name}`, where);
    if (i.type !== 'string' && i.type !== 'boolean' && i.type !== 'number') throw new WorkflowError(`input ${name}: type ${String(i.type)} is not supported`, where);
    inputs[name] = { type: i.type, required: i.required === true, ...(i.default !== undefined ? { default: i.default } : {}) };
  }
  const secrets: WorkflowCall['secrets'] = {};
  for (const [name, v] of Object.entries(map(c.secrets, 'secrets', where))) {
    const s = map(v, `secret ${name}`, where);
    keys(s, ['description', 'required'], `secret ${name}`, where);
    secrets[name] = { required: s.required === true };
  }
  const outputs: YamlMap = {};
  for (const [name, v] of Object.entries(map(c.outputs, 'outputs', where))) {
    const o = map(v, `output ${name}`, where);
    keys(o, ['description', 'value'], `output ${name}`, where);
    outputs[name] = o.value ?? null;
  }
  return { inputs, secrets, outputs };
}

/** Reads, validates and checks one workflow file of the repository. */
export async function loadWorkflow(repoRoot: string, file: string): Promise<WorkflowDef> {
  const where = { file };
  let content: string;
  try {
    content = await readFile(path.join(repoRoot, file), 'utf8');
  } catch (error) {
    throw new WorkflowError(`cannot read the workflow: ${(error as Error).message}`, where);
  }
  let raw: Yaml;
  try {
    raw = parse(content) as Yaml;
  } catch (error) {
    throw new WorkflowError(`not YAML: ${(error as Error).message}`, where);
  }
  const doc = map(raw, 'the workflow', where);
  keys(doc, ['name', 'on', 'permissions', 'env', 'concurrency', 'jobs'], 'workflow', where);
  const onRaw = doc.on;
  const on: YamlMap = typeof onRaw === 'string' ? { [onRaw]: null } : Array.isArray(onRaw) ? Object.fromEntries(onRaw.map((e) => [String(e), null])) : map(onRaw, 'on', where);
  const jobs = new Map<string, JobDef>();
  for (const [id, raw] of Object.entries(map(doc.jobs, 'jobs', where))) jobs.set(id, job(id, raw, file));
  // After our own checks, which name what the executor cannot do (GitHub's parser cannot fetch remote
  // reusable workflows offline, and would only say it could not find one).
  const errors = await validateWorkflowFile(repoRoot, file, content);
  if (errors.length) throw new WorkflowError(`GitHub's workflow parser rejects it:\n  ${errors.join('\n  ')}`, where);
  return {
    file,
    name: typeof doc.name === 'string' ? doc.name : file,
    on,
    ...('workflow_call' in on ? { call: workflowCall(on.workflow_call ?? null, file) } : {}),
    ...(doc.permissions !== undefined ? { permissions: parsePermissions(doc.permissions, where) } : {}),
    env: map(doc.env, 'env', where),
    ...(doc.concurrency !== undefined ? { concurrency: doc.concurrency } : {}),
    jobs,
  };
}
