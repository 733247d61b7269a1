/**
 * One step, as the runner runs it: `if:` with the step-level status functions, `env:`/`with:` evaluated,
 * `run:` written to a file and run by bash (`bash --noprofile --norc -eo pipefail <file>` for `shell: bash`,
 * `bash -e <file>` by default), `uses:` through actions.ts or the third-party table, then the file commands
 * (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY), `timeout-minutes` and `continue-on-error`.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ActionRun, parseOutputFile, runWithFileCommands } from '../run-action.ts';
import { actionMeta, runJsAction } from './actions.ts';
import { type Ctx, evaluateCondition, evaluateString, evaluateValue, type Scope } from './expressions.ts';
import type { StepDef } from './model.ts';
import type { JobRuntime, Status, StepResult } from './types.ts';

const TAIL = 8000;

class StepFailed extends Error {}

const defaultName = (s: StepDef) => (s.run !== undefined ? `Run ${s.run.trim().split('\n')[0]}` : `Run ${s.uses ?? ''}`);

function minutes(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new StepFailed(`${what}: ${JSON.stringify(v)} is not a positive number of minutes`);
  return n;
}

/** Evaluated with: inputs of an action: its defaults (themselves templates) overlaid with the step's values. */
async function actionInputs(job: JobRuntime, step: StepDef, dir: string, scope: Scope): Promise<{ inputs: Record<string, string>; declared: string[] }> {
  const meta = await actionMeta(dir, { file: job.file, job: job.key, step: step.label });
  const unknown = Object.keys(step.with).filter((k) => !(k in meta.inputs));
  if (unknown.length && job.run.strict) throw new StepFailed(`with: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not inputs' : 'is not an input'} of ${dir} (inputs: ${Object.keys(meta.inputs).join(', ')})`);
  const inputs: Record<string, string> = {};
  for (const [k, d] of Object.entries(meta.inputs)) if (d !== undefined) inputs[k] = evaluateString(d, scope, `default of input ${k}`);
  for (const [k, v] of Object.entries(step.with)) inputs[k] = evaluateString(v, scope, `with.${k}`);
  return { inputs, declared: meta.outputs };
}

export async function executeStep(job: JobRuntime, step: StepDef): Promise<StepResult> {
  const started = Date.now();
  const contexts = job.contexts();
  const status = { success: () => !job.failed && !job.cancelled, failure: () => job.failed, cancelled: () => job.cancelled };
  let name = defaultName(step);
  const result = (outcome: Status, extra: Partial<StepResult> = {}): StepResult => ({
    index: step.index,
    ...(step.id ? { id: step.id } : {}),
    name,
    ...(step.uses ? { uses: step.uses } : {}),
    outcome,
    conclusion: outcome,
    outputs: {},
    summary: '',
    errors: [],
    logTail: '',
    durationMs: Date.now() - started,
    ...extra,
  });
  const record = (r: StepResult, outputs: Ctx): StepResult => {
    if (step.id) job.steps[step.id] = { outputs, outcome: r.outcome, conclusion: r.conclusion };
    if (r.conclusion === 'failure') job.failed = true;
    return r;
  };
  try {
    if (step.name !== undefined) name = evaluateString(step.name, { contexts: { ...contexts, secrets: job.secrets } }, 'name');
  } catch {
    // GitHub shows the raw name when it cannot be evaluated; the step itself reports the error below.
    name = String(step.name);
  }
  let go: boolean;
  try {
    go = evaluateCondition(step.if, { contexts, status });
  } catch (error) {
    return record(result('failure', { message: `if: ${(error as Error).message}` }), {});
  }
  if (!go) return record(result('skipped', { message: `if: ${JSON.stringify(step.if ?? 'success()')} was false` }), {});

  const files = path.join(job.dirs.files, String(step.index + 1));
  const f = { output: `${files}.output`, env: `${files}.env`, path: `${files}.path`, summary: `${files}.summary`, state: `${files}.state` };
  await Promise.all(Object.values(f).map((p) => writeFile(p, '')));
  const abort = new AbortController();
  const onJobAbort = () => abort.abort();
  const jobSignal = job.signal; // the job replaces its signal after an interruption: keep this step's
  jobSignal.addEventListener('abort', onJobAbort, { once: true });
  if (jobSignal.aborted) abort.abort();
  let timer: NodeJS.Timeout | undefined;
  let timedOut: number | undefined;
  let log = '';
  const onOutput = (chunk: string) => {
    const masked = job.write(chunk);
    log = (log + masked).slice(-1_000_000);
  };
  let run: ActionRun | undefined;
  let outputsCtx: Ctx = {};
  let continueOnError = false;
  try {
    const secretsCtx = { ...contexts, secrets: job.secrets };
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env)) stepEnv[k] = evaluateString(v, { contexts: secretsCtx }, `env.${k}`);
    const scope: Scope = { contexts: { ...secretsCtx, env: { ...job.env, ...stepEnv } } };
    continueOnError = step.continueOnError === undefined ? false : [true, 'true'].includes(evaluateValue(step.continueOnError, scope, 'continue-on-error') as boolean | string);
    const timeout = minutes(step.timeoutMinutes === undefined ? undefined : evaluateValue(step.timeoutMinutes, scope, 'timeout-minutes'), 'timeout-minutes');
    if (timeout !== undefined) timer = setTimeout(() => ((timedOut = timeout), abort.abort()), timeout * 60_000);
    const workspace = job.dirs.workspace;
    const cwd = step.workingDirectory === undefined ? workspace : path.resolve(workspace, evaluateString(step.workingDirectory, scope, 'working-directory'));
    if (!existsSync(cwd)) throw new StepFailed(`working directory ${cwd} does not exist`);
    const env: Record<string, string> = { ...job.processEnv(stepEnv), GITHUB_OUTPUT: f.output, GITHUB_ENV: f.env, GITHUB_PATH: f.path, GITHUB_STEP_SUMMARY: f.summary, GITHUB_STATE: f.state, GITHUB_ACTION: step.id ?? `__step${step.index + 1}` };
    const io = { env, cwd, outputFile: f.output, summaryFile: f.summary, signal: abort.signal, onOutput };
    const resolved = job.resolved.get(step);
    if (step.run !== undefined) {
      const script = `${files}.sh`;
      await writeFile(script, evaluateString(step.run, scope, 'run'));
      const args = step.shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail', script] : ['-e', script];
      run = await runWithFileCommands(step.shell === 'sh' ? 'sh' : 'bash', args, io);
      outputsCtx = job.known(run.outputs, `is not an output step "${step.id}" set`);
    } else if (resolved?.kind === 'action') {
      const dir = path.join(resolved.base === 'self' ? job.run.opts.repoRoot : workspace, resolved.rel);
      if (!existsSync(dir)) throw new StepFailed(`${step.uses}: ${dir} does not exist${resolved.base === 'workspace' ? ' (did the job check out the repository first?)' : ''}`);
      const { inputs, declared } = await actionInputs(job, step, dir, scope);
      run = await runJsAction(await actionMeta(dir, {}), inputs, io);
      outputsCtx = job.known({ ...Object.fromEntries(declared.map((o) => [o, ''])), ...run.outputs }, `is not an output of ${step.uses}`);
    } else if (resolved?.kind === 'mapped') {
      const withValues = Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, evaluateString(v, scope, `with.${k}`)]));
      let declared: string[] = resolved.mapping.outputs === 'any' ? [] : [...resolved.mapping.outputs];
      const done = await resolved.mapping.run({
        uses: resolved.uses,
        with: withValues,
        env,
        workspace,
        checkoutSource: job.run.workspace,
        repository: job.run.opts.repository,
        sha: job.run.opts.event.sha,
        ref: job.run.opts.event.ref,
        signal: abort.signal,
        log: onOutput,
        setEnv: (k, v) => (job.env[k] = v),
        mask: (v) => job.mask(v),
        runAction: async (dir) => {
          const { inputs, declared: d } = await actionInputs(job, step, dir, scope);
          declared = d;
          run = await runJsAction(await actionMeta(dir, {}), inputs, io);
          if (run.exitCode !== 0) throw new StepFailed(`exit code ${run.exitCode}`);
          return { outputs: run.outputs };
        },
      });
      const outputs = { ...(done?.outputs ?? {}), ...(run?.outputs ?? {}) };
      outputsCtx = job.known({ ...Object.fromEntries(declared.map((o) => [o, ''])), ...outputs }, `is not an output of ${step.uses} (local equivalent: ${resolved.key})`);
      run ??= { exitCode: 0, stdout: '', stderr: '', outputs, summary: '', errors: [], durationMs: 0 };
    } else throw new StepFailed('neither run nor a resolved uses');
    // The runner applies the file commands of a failed step too.
    Object.assign(job.env, parseOutputFile(await readFile(f.env, 'utf8')));
    job.pathPrepend.unshift(...(await readFile(f.path, 'utf8')).split('\n').filter(Boolean).reverse());
  } catch (error) {
    // A failing action already reported its own errors; anything else (an expression, a mapping, a missing
    // directory) is reported here, in the step's log and its errors.
    const own = error instanceof StepFailed && run !== undefined && run.exitCode !== 0;
    if (!own) onOutput(`##[error]${(error as Error).message}\n`);
    run = { exitCode: run?.exitCode || 1, stdout: run?.stdout ?? '', stderr: run?.stderr ?? '', outputs: run?.outputs ?? {}, summary: '', errors: [...(run?.errors ?? []), ...(own ? [] : [(error as Error).message])], durationMs: 0 };
  } finally {
    if (timer) clearTimeout(timer);
    jobSignal.removeEventListener('abort', onJobAbort);
  }
  await writeFile(`${files}.log`, log);
  const summary = await readFile(f.summary, 'utf8').catch(() => '');
  let outcome: Status = run.exitCode === 0 ? 'success' : 'failure';
  let message: string | undefined;
  if (timedOut !== undefined) message = `timed out: exceeded timeout-minutes ${timedOut}, killed`;
  else if (job.cancelled && abort.signal.aborted) {
    outcome = 'cancelled';
    message = 'cancelled';
  } else if (job.timedOut && abort.signal.aborted) message = 'killed: the job exceeded its timeout-minutes';
  else if (outcome === 'failure') message = run.errors.length ? run.errors.join('\n') : `exit code ${run.exitCode}${log.trim() ? `: ${log.trim().split('\n').slice(-3).join('\n')}` : ''}`;
  if (timedOut !== undefined) outcome = 'failure';
  const r = result(outcome, {
    conclusion: outcome === 'failure' && continueOnError ? 'success' : outcome,
    outputs: run.outputs,
    summary,
    errors: run.errors,
    exitCode: run.exitCode,
    logTail: log.slice(-TAIL),
    ...(message ? { message } : {}),
  });
  return record(r, outputsCtx);
}
