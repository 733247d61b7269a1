/**
 * runWorkflow(): runs a workflow file the way GitHub would on a push, on this machine. Everything that can
 * be checked before a job starts is (GitHub's parser, keys the executor does not implement, `needs`, the
 * permissions a called workflow asks for, every `uses:`), and fails with a WorkflowError naming the file,
 * job and step. What happens while running (a failing step, a wrong output name, a skipped required job) ends
 * in the result: `ok: false` and `failure` naming the file, job and step.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { actionMeta, resolveUses, type Resolved } from './actions.ts';
import { evaluateGroup, withGroup } from './concurrency.ts';
import { githubContext, known } from './contexts.ts';
import { loadWorkflow, type CallJob, type StepDef, type WorkflowDef } from './model.ts';
import { WorkflowError } from './yaml.ts';
import { startOidcBroker } from './oidc.ts';
import { exceeding, RESTRICTED_DEFAULT, type Permissions } from './permissions.ts';
import { checkNeeds } from './plan.ts';
import { effectivePermissions, runScope } from './scope.ts';
import { defaultStepMap, type StepMap } from './third-party.ts';
import { checkTrigger, eventPayload } from './triggers.ts';
import type { JobResult, RunState, RunWorkflowOptions, WorkflowRunResult } from './types.ts';

/** GitHub: a workflow can call reusable workflows up to four levels deep in all. */
const MAX_DEPTH = 4;

interface Checked {
  resolved: Map<StepDef, Resolved>;
  called: Map<CallJob, WorkflowDef>;
}

async function check(opts: RunWorkflowOptions, stepMap: StepMap, wf: WorkflowDef, ceiling: Permissions | undefined, caller: { file: string; job: string } | undefined, depth: number, out: Checked): Promise<void> {
  checkNeeds(wf);
  for (const job of wf.jobs.values()) {
    const where = { file: wf.file, job: job.id };
    const perms = effectivePermissions(job, wf, ceiling, opts.defaultPermissions ?? RESTRICTED_DEFAULT);
    const over = ceiling ? exceeding(perms, ceiling) : [];
    if (caller && over.length) throw new WorkflowError(`Error calling workflow '${wf.file}'. The nested job '${job.id}' is requesting ${over.join('; ')}.`, caller);
    if (job.kind === 'call') {
      if (depth + 1 >= MAX_DEPTH) throw new WorkflowError(`calls nest deeper than GitHub's ${MAX_DEPTH} levels`, where);
      const called = await loadWorkflow(opts.repoRoot, job.workflow);
      if (!called.call) throw new WorkflowError(`${job.workflow} has no \`on: workflow_call\``, where);
      out.called.set(job, called);
      await check(opts, stepMap, called, perms, where, depth + 1, out);
      continue;
    }
    for (const step of job.steps) {
      if (step.uses === undefined) continue;
      const at = { ...where, step: step.label };
      const r = resolveUses(step.uses, stepMap, at);
      out.resolved.set(step, r);
      if (r.kind === 'action') {
        const meta = await actionMeta(path.join(r.base === 'self' ? opts.repoRoot : (opts.workspace ?? opts.repoRoot), r.rel), at);
        const unknown = Object.keys(step.with).filter((k) => !(k in meta.inputs));
        if (unknown.length && opts.strict !== false) throw new WorkflowError(`with: ${unknown.join(', ')}: not an input of ${step.uses} (inputs: ${Object.keys(meta.inputs).join(', ')})`, at);
      } else if (r.mapping.inputs !== 'any') {
        const allowed = r.mapping.inputs;
        const unknown = Object.keys(step.with).filter((k) => !allowed.includes(k));
        if (unknown.length) throw new WorkflowError(`with: ${unknown.join(', ')}: not understood by the local equivalent of ${r.key} (it knows: ${allowed.join(', ')})`, at);
      }
    }
  }
}

function hostEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GITHUB_|RUNNER_|ACTIONS_|INPUT_)/.test(k)) env[k] = v;
  return env;
}

export async function runWorkflow(opts: RunWorkflowOptions): Promise<WorkflowRunResult> {
  const top = await loadWorkflow(opts.repoRoot, opts.workflow);
  checkTrigger(top, opts.event);
  if (!/^[0-9a-f]{40}$/.test(opts.event.sha)) throw new WorkflowError(`event.sha ${opts.event.sha} is not 40 hex digits`, { file: top.file });
  const stepMap: StepMap = { ...defaultStepMap() };
  for (const [k, v] of Object.entries(opts.stepMap ?? {})) stepMap[k.toLowerCase()] = v;
  const checked: Checked = { resolved: new Map(), called: new Map() };
  await check(opts, stepMap, top, undefined, undefined, 0, checked);

  const prev = opts.rerunFailedFrom;
  const runDir = opts.runDir ?? (await mkdtemp(path.join(os.tmpdir(), 'moam-workflow-run-')));
  const actor = opts.event.actor ?? opts.repository.split('/')[0] ?? 'actor';
  const payload = eventPayload(opts.event, opts.repository, actor);
  const eventPath = path.join(runDir, 'event.json');
  await writeFile(eventPath, JSON.stringify(payload, null, 2));
  const secrets = { ...opts.secrets, GITHUB_TOKEN: opts.githubToken ?? 'ghs_localStandInTokenForWorkflowRuns0000' };
  const lines = new Map<string, string>();
  const run: RunState = {
    opts,
    top,
    workspace: opts.workspace ?? opts.repoRoot,
    runDir,
    runId: opts.runId ?? opts.services?.artifacts?.runId ?? '4242424242',
    runNumber: opts.runNumber ?? 7,
    attempt: opts.attempt ?? (prev ? prev.attempt + 1 : 1),
    actor,
    eventPath,
    payload,
    githubToken: secrets.GITHUB_TOKEN,
    strict: opts.strict !== false,
    stepMap,
    resolved: checked.resolved,
    called: checked.called,
    defaultPermissions: opts.defaultPermissions ?? RESTRICTED_DEFAULT,
    hostEnv: hostEnv(),
    ...(opts.services?.oidc ? { broker: await startOidcBroker(opts.services.oidc) } : {}),
    masks: new Set(Object.values(secrets).filter((s) => s.length >= 3)),
    carried: new Map(Object.values(prev?.jobs ?? {}).filter((j) => j.kind === 'job' && j.status === 'success').map((j) => [j.key, j])),
    jobs: new Map<string, JobResult>(),
    failures: [],
    workflowOutputs: {},
    concurrency: [],
    log(key, text) {
      if (!opts.log) return;
      const all = (lines.get(key) ?? '') + text;
      const parts = all.split('\n');
      lines.set(key, parts.pop() ?? '');
      for (const l of parts) opts.log(`[${key}] ${l}`);
    },
  };
  try {
    // A workflow with workflow_dispatch inputs run by another event: GitHub gives its declared inputs as empty
    // (null); reading an undeclared one is still a mistake.
    const dispatch = top.on.workflow_dispatch;
    const declared = dispatch && typeof dispatch === 'object' && !Array.isArray(dispatch) ? (dispatch as { inputs?: unknown }).inputs : undefined;
    const empty = Object.fromEntries(Object.keys(declared && typeof declared === 'object' ? declared : {}).map((k) => [k, null]));
    const inputs = known(run, empty, `is not an input: a ${opts.event.name} has none`);
    const group = evaluateGroup(top.concurrency, { contexts: { github: githubContext(run, '', ''), inputs, vars: opts.vars ?? {} } });
    await withGroup(run, top.file, group, new Set(), (groups) => runScope(run, { wf: top, prefix: '', inputs, secrets, secretsDeclared: false, results: new Map(), groups }));
  } catch (error) {
    run.failures.push(`${top.file}: ${(error as Error).message}`);
  } finally {
    await run.broker?.close();
  }
  for (const key of opts.require ?? []) {
    const job = run.jobs.get(key);
    if (!job) run.failures.push(`required job "${key}" is not a job of this run (jobs: ${[...run.jobs.keys()].join(', ')})`);
    else if (job.status !== 'success') run.failures.push(`${job.workflow}: required job "${key}" ${job.status === 'skipped' ? 'was skipped' : `ended ${job.status}`}${job.message ? `: ${job.message}` : ''}`);
  }
  const bad = [...run.jobs.values()].some((j) => j.status === 'failure' || j.status === 'cancelled');
  const ok = run.failures.length === 0 && !bad;
  if (bad && run.failures.length === 0) run.failures.push([...run.jobs.values()].filter((j) => j.status === 'failure' || j.status === 'cancelled').map((j) => `${j.workflow}: job "${j.key}" ${j.status}`).join('; '));
  const keep = opts.keepRunDir ?? 'on-failure';
  if (keep === 'never' || (keep === 'on-failure' && ok)) await rm(runDir, { recursive: true, force: true });
  return {
    ok,
    conclusion: ok ? 'success' : 'failure',
    ...(run.failures[0] ? { failure: run.failures[0] } : {}),
    failures: run.failures,
    jobs: Object.fromEntries(run.jobs),
    workflowOutputs: run.workflowOutputs,
    attempt: run.attempt,
    runId: run.runId,
    runDir,
    oidcRequests: run.broker?.requests ?? [],
    concurrency: run.concurrency,
  };
}
