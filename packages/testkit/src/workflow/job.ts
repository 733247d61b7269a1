/**
 * One job on one "runner" (a matrix leg is a job of its own): its directories (RUNNER_TEMP, GITHUB_WORKSPACE,
 * DOCKER_CONFIG, file commands), its environment (runner variables, the artifact stand-in's env for this job
 * and attempt, and an OIDC token endpoint only with `id-token: write`), its steps in order, `timeout-minutes`,
 * cancellation (fail-fast) and its outputs.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Resolved } from './actions.ts';
import { githubContext, githubEnv, jobClaims, known, matrixContext, runnerContext, strategyContext } from './contexts.ts';
import { type Ctx, evaluateString, evaluateValue, type Json } from './expressions.ts';
import type { RunnerJob, StepDef } from './model.ts';
import { granted, type Permissions } from './permissions.ts';
import { executeStep } from './steps.ts';
import type { JobResult, JobRuntime, RunState, ScopeState, StepResult } from './types.ts';

export interface LegInput {
  run: RunState;
  scope: ScopeState;
  job: RunnerJob;
  key: string;
  /** Display name (evaluated by the caller, with the matrix suffix). */
  name: string;
  matrix?: Record<string, Json>;
  strategy: { failFast: boolean; index: number; total: number; maxParallel: number };
  needs: Ctx;
  permissions: Permissions;
  /** Aborted when fail-fast cancels the leg. */
  cancel: AbortSignal;
  resolved: Map<StepDef, Resolved>;
}

const slug = (key: string) => key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);

export async function runLeg(input: LegInput): Promise<JobResult> {
  const { run, scope, job, key } = input;
  const root = path.join(run.runDir, `${slug(key)}-attempt${run.attempt}`);
  const dirs = { temp: path.join(root, 'temp'), workspace: path.join(root, 'workspace'), files: path.join(root, 'steps'), docker: path.join(root, 'docker-config') };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  const toolCache = run.opts.runnerEnv?.RUNNER_TOOL_CACHE ?? process.env.RUNNER_TOOL_CACHE ?? path.join(os.tmpdir(), `moam-tool-cache-${process.pid}`);
  const steps: StepResult[] = [];
  const base: Omit<JobResult, 'status'> = {
    key,
    id: job.id,
    workflow: scope.wf.file,
    kind: 'job',
    name: input.name,
    outputs: {},
    steps,
    ...(input.matrix ? { matrix: input.matrix } : {}),
    permissions: granted(input.permissions),
    attempt: run.attempt,
  };
  const fail = (message: string): JobResult => ({ ...base, status: 'failure', message });

  let current = new AbortController();
  let partial = '';
  const rt: JobRuntime = {
    run,
    key,
    file: scope.wf.file,
    dirs,
    env: {},
    pathPrepend: [],
    steps: {},
    secrets: run.strict && scope.secretsDeclared ? known(run, scope.secrets, 'is not a secret passed to this workflow') : scope.secrets,
    failed: false,
    cancelled: false,
    timedOut: false,
    get signal() {
      return current.signal;
    },
    resolved: input.resolved,
    contexts: () => ({
      github: githubContext(run, job.id, dirs.workspace),
      needs: input.needs,
      inputs: scope.inputs,
      matrix: matrixContext(run, input.matrix),
      strategy: strategyContext(run, input.strategy),
      vars: run.opts.vars ?? {},
      job: known(run, { status: rt.failed ? 'failure' : rt.cancelled ? 'cancelled' : 'success', container: {}, services: {} }, 'is not in the job context'),
      runner: runnerContext(run, key, dirs.temp, toolCache),
      steps: known(run, rt.steps, 'is not the id of a step that ran before this one'),
      env: { ...rt.env },
    }),
    processEnv: (stepEnv) => {
      const env: Record<string, string> = { ...run.hostEnv, DOCKER_CONFIG: dirs.docker };
      for (const [k, v] of Object.entries(run.opts.runnerEnv ?? {})) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      Object.assign(env, rt.env, stepEnv, runnerVars);
      env.PATH = [...rt.pathPrepend, env.PATH ?? ''].filter(Boolean).join(path.delimiter);
      return env;
    },
    known: (entries, hint) => known(run, entries, hint),
    write(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^::add-mask::(.*)$/.exec(l.trimEnd());
        if (m?.[1]) rt.mask(m[1]);
      }
      let masked = chunk;
      for (const s of [...run.masks].sort((a, b) => b.length - a.length)) masked = masked.split(s).join('***');
      run.log(key, masked);
      return masked;
    },
    mask: (value) => {
      if (value.length >= 3) run.masks.add(value);
    },
  };

  // Job-level values, in the order GitHub evaluates them: the workflow's env, then the job's.
  const jobCtx = () => ({ github: githubContext(run, job.id, dirs.workspace), needs: input.needs, inputs: scope.inputs, matrix: matrixContext(run, input.matrix), strategy: strategyContext(run, input.strategy), vars: run.opts.vars ?? {}, secrets: rt.secrets });
  let timeoutMinutes = 360;
  try {
    for (const [k, v] of Object.entries(scope.wf.env)) rt.env[k] = evaluateString(v, { contexts: { github: jobCtx().github, inputs: scope.inputs, vars: run.opts.vars ?? {}, secrets: rt.secrets } }, `env.${k} (workflow)`);
    for (const [k, v] of Object.entries(job.env)) rt.env[k] = evaluateString(v, { contexts: jobCtx() }, `env.${k}`);
    const runsOn = job.runsOn === undefined ? undefined : evaluateValue(job.runsOn, { contexts: jobCtx() }, 'runs-on');
    if (runsOn !== undefined) base.runsOn = runsOn;
    if (job.timeoutMinutes !== undefined) {
      const t = Number(evaluateValue(job.timeoutMinutes, { contexts: jobCtx() }, 'timeout-minutes'));
      if (!Number.isFinite(t) || t <= 0) return fail(`timeout-minutes: ${JSON.stringify(job.timeoutMinutes)} is not a positive number`);
      timeoutMinutes = t;
    }
  } catch (error) {
    return fail((error as Error).message);
  }

  const runnerVars: Record<string, string> = {
    ...githubEnv(run, job.id),
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_NAME: `local (${key})`,
    ...(run.opts.services?.artifacts?.envFor({ job: key, attempt: run.attempt }) ?? {}),
  };
  if (input.permissions['id-token'] === 'write') {
    if (!run.broker) return fail('the job has id-token: write, but runWorkflow got no services.oidc to issue its token');
    Object.assign(runnerVars, run.broker.envFor(key, jobClaims(run, scope)));
  }

  const interrupt = () => {
    const c = current;
    current = new AbortController();
    c.abort();
  };
  const timer = setTimeout(() => ((rt.timedOut = true), (rt.failed = true), interrupt()), timeoutMinutes * 60_000);
  const onCancel = () => ((rt.cancelled = true), interrupt());
  if (input.cancel.aborted) onCancel();
  else input.cancel.addEventListener('abort', onCancel, { once: true });
  try {
    for (const step of job.steps) steps.push(await executeStep(rt, step));
  } finally {
    clearTimeout(timer);
    input.cancel.removeEventListener('abort', onCancel);
  }

  const outputs: Record<string, string> = {};
  let message: string | undefined;
  for (const [k, v] of Object.entries(job.outputs)) {
    try {
      const value = evaluateString(v, { contexts: { ...rt.contexts(), secrets: rt.secrets } }, `outputs.${k}`);
      // GitHub drops a job output that contains a secret ("Skip output since it may contain secret").
      if ([...run.masks].some((s) => value.includes(s))) rt.write(`Skip output '${k}' since it may contain secret.\n`);
      else outputs[k] = value;
    } catch (error) {
      rt.failed = true;
      message ??= (error as Error).message;
    }
  }
  const bad = steps.find((s) => s.conclusion === 'failure' || s.outcome === 'cancelled');
  if (rt.timedOut) message = `exceeded timeout-minutes ${timeoutMinutes}${bad ? ` in step "${bad.name}"` : ''}, killed`;
  else if (bad?.message && !message) message = `step "${bad.name}"${bad.id ? ` (${bad.id})` : ''}: ${bad.message}`;
  const status = rt.cancelled ? 'cancelled' : rt.failed ? 'failure' : 'success';
  return { ...base, status, outputs, ...(status !== 'success' && message ? { message } : {}) };
}
