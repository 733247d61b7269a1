/**
 * The jobs of one workflow file: each starts when everything in its `needs` has finished (independent jobs run
 * in parallel), its `if:` is evaluated with GitHub's job-level status functions (over ALL its ancestors),
 * then it runs as one job, as matrix legs (in parallel, fail-fast, max-parallel), or as a reusable-workflow call.
 */
import { evaluateGroup, withGroup } from './concurrency.ts';
import { githubContext, known } from './contexts.ts';
import { type Ctx, evaluateCondition, evaluateString, evaluateValue, type Json, type Scope } from './expressions.ts';
import { runLeg } from './job.ts';
import type { CallJob, JobDef, RunnerJob } from './model.ts';
import { granted, type Permissions } from './permissions.ts';
import { ancestors, expandMatrix, legSuffix } from './plan.ts';
import type { JobResult, RunState, ScopeState, Status } from './types.ts';

/** The permissions a job runs with: its own, else its workflow's, else the caller's (in a call), else the default. */
export function effectivePermissions(job: JobDef, wf: ScopeState['wf'], ceiling: Permissions | undefined, dflt: Permissions): Permissions {
  return job.permissions ?? wf.permissions ?? ceiling ?? dflt;
}

function declaredOutputs(run: RunState, job: JobDef): string[] {
  return job.kind === 'job' ? Object.keys(job.outputs) : Object.keys(run.called.get(job)?.call?.outputs ?? {});
}

/** needs.<id>.result / needs.<id>.outputs for the direct needs (strict: no other job, no undeclared output). */
export function jobsContext(run: RunState, scope: ScopeState, ids: readonly string[], what: string): Ctx {
  const entries: Record<string, Ctx> = {};
  for (const id of ids) {
    const r = scope.results.get(id) as JobResult;
    const def = scope.wf.jobs.get(id) as JobDef;
    const outputs = Object.fromEntries(declaredOutputs(run, def).map((o) => [o, r.outputs[o] ?? '']));
    entries[id] = known(run, { result: r.status, outputs: known(run, outputs, `is not an output job "${id}" declares`) }, `is not in ${what}.${id}`);
  }
  return known(run, entries, what === 'needs' ? 'is not a job in this job\'s `needs`' : 'is not a job of this workflow');
}

function aggregate(statuses: Status[]): Status {
  return statuses.includes('failure') ? 'failure' : statuses.includes('cancelled') ? 'cancelled' : 'success';
}

export async function runScope(run: RunState, scope: ScopeState): Promise<void> {
  const started = new Map<string, Promise<JobResult>>();
  const start = (id: string): Promise<JobResult> => {
    let p = started.get(id);
    if (!p) {
      p = (async () => {
        const job = scope.wf.jobs.get(id) as JobDef;
        await Promise.all(job.needs.map(start));
        const result = await runOne(run, scope, job);
        scope.results.set(id, result);
        run.jobs.set(result.key, result);
        if (result.status === 'failure' && result.message && result.kind !== 'matrix' && result.kind !== 'call') run.failures.push(`${scope.wf.file}: job "${result.key}": ${result.message}`);
        return result;
      })();
      started.set(id, p);
    }
    return p;
  };
  await Promise.all([...scope.wf.jobs.keys()].map(start));
}

async function runOne(run: RunState, scope: ScopeState, job: JobDef): Promise<JobResult> {
  const key = `${scope.prefix}${job.id}`;
  const permissions = effectivePermissions(job, scope.wf, scope.ceiling, run.defaultPermissions);
  const base: Omit<JobResult, 'status'> = { key, id: job.id, workflow: scope.wf.file, kind: job.kind, name: job.id, outputs: {}, steps: [], permissions: granted(permissions), attempt: run.attempt };
  const needs = jobsContext(run, scope, job.needs, 'needs');
  const ctx = { github: githubContext(run, job.id, ''), needs, inputs: scope.inputs, vars: run.opts.vars ?? {} };
  const up = ancestors(scope.wf, job.id).map((a) => scope.results.get(a)?.status);
  const status = { success: () => up.every((s) => s === 'success'), failure: () => up.includes('failure'), cancelled: () => false };
  try {
    let go: boolean;
    try {
      go = evaluateCondition(job.if, { contexts: ctx, status });
    } catch (error) {
      throw new Error(`if: ${(error as Error).message}`, { cause: error });
    }
    if (!go) return { ...base, status: 'skipped', message: `if: ${JSON.stringify(job.if ?? 'success()')} was false` };
    const group = evaluateGroup(job.concurrency, { contexts: ctx });
    return await withGroup(run, key, group, scope.groups, () => (job.kind === 'call' ? runCall(run, scope, job, key, ctx, permissions) : runMatrix(run, scope, job, key, ctx, permissions)));
  } catch (error) {
    const result: JobResult = { ...base, status: 'failure', message: (error as Error).message };
    if (job.kind !== 'job') run.failures.push(`${scope.wf.file}: job "${key}": ${result.message}`);
    return result;
  }
}

async function runMatrix(run: RunState, scope: ScopeState, job: RunnerJob, key: string, ctx: Scope['contexts'], permissions: Permissions): Promise<JobResult> {
  const s = job.strategy;
  const matrix = s?.matrix === undefined ? undefined : evaluateValue(s.matrix, { contexts: ctx }, 'strategy.matrix');
  const combos = matrix === undefined ? [undefined] : expandMatrix(matrix, 'strategy.matrix');
  const failFast = s?.failFast === undefined ? true : [true, 'true'].includes(evaluateValue(s.failFast, { contexts: ctx }, 'strategy.fail-fast') as boolean | string);
  const maxParallel = s?.maxParallel === undefined ? combos.length : Number(evaluateValue(s.maxParallel, { contexts: ctx }, 'strategy.max-parallel'));
  if (!(maxParallel >= 1)) throw new Error(`strategy.max-parallel: ${JSON.stringify(s?.maxParallel)} is not a positive number`);
  const cancel = new AbortController();
  const keys = combos.map((c, i, all) => {
    const suffix = c ? legSuffix(c) : '';
    const dup = all.filter((x) => x && legSuffix(x) === suffix).length > 1;
    return c ? `${key} (${suffix}${dup ? ` #${i + 1}` : ''})` : key;
  });
  const legResults: JobResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < combos.length; i = next++) {
      const combo = combos[i] as Record<string, Json> | undefined;
      const legKey = keys[i] as string;
      const carried = run.carried.get(legKey);
      let r: JobResult;
      if (carried?.status === 'success') r = carried;
      else if (cancel.signal.aborted) r = { key: legKey, id: job.id, workflow: scope.wf.file, kind: 'job', name: legKey, status: 'cancelled', outputs: {}, steps: [], message: 'cancelled by fail-fast before it started', attempt: run.attempt, ...(combo ? { matrix: combo } : {}) };
      else {
        const legCtx = { ...ctx, matrix: combo ? known(run, combo, 'is not a key of this matrix leg') : known(run, {}, 'is not set: the job has no matrix') };
        let name = job.name === undefined ? job.id : evaluateString(job.name, { contexts: legCtx }, 'name');
        if (combo && !(typeof job.name === 'string' && job.name.includes('matrix'))) name = `${name} (${legSuffix(combo)})`;
        const strategy = { failFast, index: i, total: combos.length, maxParallel };
        r = await runLeg({ run, scope, job, key: legKey, name, ...(combo ? { matrix: combo } : {}), strategy, needs: ctx.needs as Ctx, permissions, cancel: cancel.signal, resolved: run.resolved });
      }
      if (r.status === 'failure' && failFast) cancel.abort();
      legResults.push(r);
      if (combo) {
        run.jobs.set(legKey, r);
        if (r.status === 'failure' && r.message) run.failures.push(`${scope.wf.file}: job "${legKey}": ${r.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxParallel, combos.length) }, worker));
  if (matrix === undefined) return legResults[0] as JobResult;
  // A matrix job's outputs: the legs' outputs merged in the order they finished (GitHub: last one wins).
  const outputs: Record<string, string> = {};
  for (const r of legResults) for (const [k, v] of Object.entries(r.outputs)) if (v !== '') outputs[k] = v;
  return { key, id: job.id, workflow: scope.wf.file, kind: 'matrix', name: job.id, status: aggregate(legResults.map((r) => r.status)), outputs, steps: [], legs: keys, permissions: granted(permissions), attempt: run.attempt };
}

function typed(value: Json, type: 'string' | 'boolean' | 'number', what: string): Json {
  if (type === 'boolean' && typeof value !== 'boolean') throw new Error(`${what}: expected a boolean, got ${JSON.stringify(value)}`);
  if (type === 'number' && typeof value !== 'number') throw new Error(`${what}: expected a number, got ${JSON.stringify(value)}`);
  if (type === 'string' && typeof value === 'object' && value !== null) throw new Error(`${what}: expected a string, got ${JSON.stringify(value)}`);
  return type === 'string' ? (value === null ? '' : String(value)) : value;
}

async function runCall(run: RunState, scope: ScopeState, job: CallJob, key: string, ctx: Scope['contexts'], permissions: Permissions): Promise<JobResult> {
  const wf = run.called.get(job);
  if (!wf?.call) throw new Error(`${job.workflow} has no on.workflow_call`);
  const decl = wf.call;
  const unknown = Object.keys(job.with).filter((k) => !(k in decl.inputs));
  if (unknown.length) throw new Error(`with: ${unknown.join(', ')}: not an input of ${wf.file} (inputs: ${Object.keys(decl.inputs).join(', ')})`);
  const inputs: Record<string, Json> = {};
  for (const [k, d] of Object.entries(decl.inputs)) {
    if (k in job.with) inputs[k] = typed(evaluateValue(job.with[k] as Json, { contexts: ctx }, `with.${k}`), d.type, `with.${k}`);
    else if (d.default !== undefined) inputs[k] = typed(evaluateValue(d.default, { contexts: { github: ctx.github as Ctx, inputs: {}, vars: run.opts.vars ?? {} } }, `default of input ${k}`), d.type, `default of input ${k}`);
    else if (d.required) throw new Error(`input ${k} of ${wf.file} is required and not given`);
    else inputs[k] = d.type === 'boolean' ? false : d.type === 'number' ? 0 : '';
  }
  let secrets: Record<string, string> = { GITHUB_TOKEN: run.githubToken };
  if (job.secrets === 'inherit') secrets = scope.secrets;
  else {
    const sctx = { ...ctx, secrets: scope.secretsDeclared ? known(run, scope.secrets, 'is not a secret passed to this workflow') : scope.secrets };
    for (const [k, v] of Object.entries(job.secrets)) {
      if (!(k in decl.secrets)) throw new Error(`secrets: ${k} is not a secret of ${wf.file} (secrets: ${Object.keys(decl.secrets).join(', ') || 'none'})`);
      secrets[k] = evaluateString(v, { contexts: sctx }, `secrets.${k}`);
    }
    for (const [k, d] of Object.entries(decl.secrets)) {
      if (d.required && !secrets[k]) throw new Error(`secret ${k} of ${wf.file} is required and not given`);
      secrets[k] ??= '';
    }
  }
  const wctx = { contexts: { github: ctx.github as Ctx, inputs: known(run, inputs, `is not an input of ${wf.file}`), vars: run.opts.vars ?? {} } };
  const group = evaluateGroup(wf.concurrency, wctx);
  const child: ScopeState = { wf, prefix: `${key}/`, inputs: wctx.contexts.inputs, secrets, secretsDeclared: job.secrets !== 'inherit', ceiling: permissions, results: new Map(), groups: scope.groups };
  await withGroup(run, `${key} (${wf.file})`, group, scope.groups, async (held) => runScope(run, { ...child, groups: held }).then(() => undefined));
  const results = [...wf.jobs.keys()].map((id) => child.results.get(id) as JobResult);
  const outputs: Record<string, string> = {};
  const jobs = jobsContext(run, child, [...wf.jobs.keys()], 'jobs');
  let message: string | undefined;
  for (const [k, v] of Object.entries(decl.outputs)) {
    try {
      outputs[k] = evaluateString(v, { contexts: { ...wctx.contexts, jobs } }, `on.workflow_call.outputs.${k}`);
    } catch (error) {
      message ??= `${wf.file}: ${(error as Error).message}`;
    }
  }
  run.workflowOutputs[key] = outputs;
  if (message) run.failures.push(`${scope.wf.file}: job "${key}": ${message}`);
  const status = message ? 'failure' : aggregate(results.map((r) => r.status));
  return { key, id: job.id, workflow: scope.wf.file, kind: 'call', name: job.id, status, outputs, steps: [], permissions: granted(permissions), attempt: run.attempt, ...(message ? { message } : {}) };
}
