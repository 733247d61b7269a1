/** The executor's options and results (run.ts), and the run-wide and per-job state the other modules share. */
import type { ArtifactService } from '../artifact-service.ts';
import type { ClaimOverrides, OidcService } from '../oidc-service.ts';
import type { Ctx, Json } from './expressions.ts';
import type { Resolved } from './actions.ts';
import type { CallJob, StepDef, WorkflowDef } from './model.ts';
import type { OidcBroker, OidcRequest } from './oidc.ts';
import type { Permissions } from './permissions.ts';
import type { StepMap } from './third-party.ts';
import type { TriggerEvent } from './triggers.ts';

export type Status = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  index: number;
  id?: string;
  /** Display name (evaluated), e.g. "Log in to ghcr.io" or "Run echo hi". */
  name: string;
  uses?: string;
  /** steps.<id>.outcome: before continue-on-error. */
  outcome: Status;
  /** steps.<id>.conclusion: after continue-on-error. */
  conclusion: Status;
  outputs: Record<string, string>;
  summary: string;
  /** The ::error:: annotations it printed. */
  errors: string[];
  exitCode?: number;
  /** Why it failed or was skipped. */
  message?: string;
  /** The end of its log (secrets masked). */
  logTail: string;
  durationMs: number;
}

export interface JobResult {
  /** Unique in the run: "<caller job>/<job id>" inside a called workflow, " (<matrix values>)" for a leg. */
  key: string;
  id: string;
  /** The workflow file the job is in. */
  workflow: string;
  kind: 'job' | 'call' | 'matrix';
  /** Display name (evaluated). */
  name: string;
  status: Status;
  outputs: Record<string, string>;
  steps: StepResult[];
  /** Why it failed or was skipped, naming the step. */
  message?: string;
  matrix?: Record<string, Json>;
  /** For a matrix job: the keys of its legs. */
  legs?: string[];
  /** Effective GITHUB_TOKEN permissions (granted scopes only). */
  permissions?: Partial<Permissions>;
  runsOn?: Json;
  /** The attempt that produced this result (a re-run keeps earlier successes with their attempt). */
  attempt: number;
}

export interface WorkflowRunResult {
  ok: boolean;
  conclusion: 'success' | 'failure';
  /** The first failure, naming the workflow file, job and step. */
  failure?: string;
  failures: string[];
  /** Every job, matrix job and leg, by key, in the order they finished. */
  jobs: Record<string, JobResult>;
  /** The outputs of each reusable-workflow call, by caller job key. */
  workflowOutputs: Record<string, Record<string, string>>;
  attempt: number;
  runId: string;
  /** Per-job RUNNER_TEMP, workspaces and full step logs (kept when the run fails, unless told otherwise). */
  runDir: string;
  oidcRequests: OidcRequest[];
  /** Every concurrency group taken (honoured as an in-process lock: a second run with the group waits). */
  concurrency: Array<{ scope: string; group: string; cancelInProgress: boolean }>;
}

export interface RunWorkflowOptions {
  /** The repository at the running commit: workflow files, `$/…` actions. */
  repoRoot: string;
  /** Repository-relative path of the workflow the event starts, e.g. .github/workflows/release.yml. */
  workflow: string;
  event: TriggerEvent;
  /** owner/repo. */
  repository: string;
  /** What actions/checkout provides (default repoRoot); `./…` actions resolve in it, as on GitHub. */
  workspace?: string;
  vars?: Record<string, string>;
  /** Repository secrets (GITHUB_TOKEN is added). */
  secrets?: Record<string, string>;
  /** secrets.GITHUB_TOKEN and github.token (default: a fake token). */
  githubToken?: string;
  /** Extra environment for every step of every job (e.g. cosign trust roots); undefined removes a variable. */
  runnerEnv?: Record<string, string | undefined>;
  services?: {
    /** Each job gets envFor({ job: <job key>, attempt }). */
    artifacts?: ArtifactService;
    /** Jobs with id-token: write get their own token endpoint with their claims, signed by this service. */
    oidc?: OidcService;
  };
  /** Claims added to every job's OIDC token (after the derived ones). */
  claims?: ClaimOverrides;
  /** Rows added to (or replacing) the default third-party table, by lower-case owner/repo. */
  stepMap?: StepMap;
  /** Run attempt (default 1, or the previous attempt + 1 with rerunFailedFrom). */
  attempt?: number;
  /** "Re-run failed jobs": jobs and legs that succeeded in this earlier result are kept, the rest run again. */
  rerunFailedFrom?: WorkflowRunResult;
  /** Job keys that must run and succeed: a skipped one fails the run too (e.g. a condition that skips signing). */
  require?: string[];
  /** Strict contexts (see expressions.ts); default true. */
  strict?: boolean;
  /** Permissions of a top-level job when neither it nor its workflow sets any (default: contents+packages read). */
  defaultPermissions?: Permissions;
  runId?: string;
  runNumber?: number;
  /** Every log line, prefixed with its job key. */
  log?: (line: string) => void;
  /** Where per-job directories go (default: a new temporary directory). */
  runDir?: string;
  /** Keep runDir: 'always', 'never', or (default) 'on-failure'. */
  keepRunDir?: 'always' | 'never' | 'on-failure';
}

/** One workflow file being run: the top-level one or a called one. */
export interface ScopeState {
  wf: WorkflowDef;
  /** "" at the top, "<caller job key>/" inside a call. */
  prefix: string;
  inputs: Ctx;
  secrets: Record<string, string>;
  /** Whether secrets.<name> must be one of `secrets` (a call without `secrets: inherit`). */
  secretsDeclared: boolean;
  /** The caller job's permissions (inside a call). */
  ceiling?: Permissions;
  results: Map<string, JobResult>;
  /** Concurrency groups held by this workflow and the ones that called it. */
  groups: ReadonlySet<string>;
}

export interface RunState {
  opts: RunWorkflowOptions;
  top: WorkflowDef;
  workspace: string;
  runDir: string;
  runId: string;
  runNumber: number;
  attempt: number;
  actor: string;
  eventPath: string;
  payload: { [key: string]: Json };
  githubToken: string;
  strict: boolean;
  stepMap: StepMap;
  /** Every step's resolved `uses:` and every call job's workflow, from the checks before the run. */
  resolved: Map<StepDef, Resolved>;
  called: Map<CallJob, WorkflowDef>;
  defaultPermissions: Permissions;
  /** The test process's environment without GITHUB_*, RUNNER_*, ACTIONS_* and INPUT_* (a runner starts clean). */
  hostEnv: Record<string, string>;
  broker?: OidcBroker;
  /** Values masked in every log (secrets, ::add-mask::). */
  masks: Set<string>;
  /** Earlier results kept by rerunFailedFrom, by key. */
  carried: Map<string, JobResult>;
  jobs: Map<string, JobResult>;
  failures: string[];
  workflowOutputs: Record<string, Record<string, string>>;
  concurrency: WorkflowRunResult['concurrency'];
  /** Log text of a job (masked, prefixed, to opts.log). */
  log(key: string, text: string): void;
}

/** One job while it runs: what job.ts sets up and steps.ts runs each step against. */
export interface JobRuntime {
  run: RunState;
  key: string;
  file: string;
  dirs: { temp: string; workspace: string; files: string; docker: string };
  /** The env context: workflow env, job env, then what steps wrote to GITHUB_ENV. */
  env: Record<string, string>;
  pathPrepend: string[];
  steps: Record<string, Ctx>;
  secrets: Ctx;
  failed: boolean;
  cancelled: boolean;
  timedOut: boolean;
  /** Aborted to kill the running step (timeout, cancellation); later steps get a fresh signal. */
  readonly signal: AbortSignal;
  resolved: Map<StepDef, Resolved>;
  contexts(): Record<string, Ctx>;
  processEnv(stepEnv: Record<string, string>): Record<string, string>;
  known(entries: Record<string, Ctx>, hint: string): Ctx;
  /** Masks, logs and returns a chunk of step output (and honours ::add-mask::). */
  write(chunk: string): string;
  mask(value: string): void;
}
