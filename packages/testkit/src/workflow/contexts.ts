/** The contexts GitHub gives a job (github, runner, strategy, job) and the claims of its OIDC token. */
import type { ClaimOverrides } from '../oidc-service.ts';
import { type Ctx, type Json, Strict } from './expressions.ts';
import type { RunState, ScopeState } from './types.ts';

/** A Strict context, or a plain one when the run is not strict. */
export function known(run: RunState, entries: Record<string, Ctx>, hint: string): Ctx {
  return run.strict ? new Strict(entries, hint) : (entries as { [key: string]: Ctx });
}

const refName = (ref: string) => ref.replace(/^refs\/(tags|heads)\//, '');
const refType = (ref: string) => (ref.startsWith('refs/tags/') ? 'tag' : 'branch');

/** workflow_ref as GitHub writes it: always the top-level (caller) workflow. */
export const workflowRef = (run: RunState, file = run.top.file) => `${run.opts.repository}/${file}@${run.opts.event.ref}`;

export function githubContext(run: RunState, jobId: string, workspace: string): Ctx {
  const { repository, event } = run.opts;
  const entries: Record<string, Ctx> = {
    action: '',
    action_path: '',
    action_ref: '',
    action_repository: '',
    action_status: '',
    actor: run.actor,
    actor_id: '987654',
    api_url: 'https://api.github.com',
    base_ref: '',
    event: run.payload,
    event_name: event.name,
    event_path: run.eventPath,
    graphql_url: 'https://api.github.com/graphql',
    head_ref: '',
    job: jobId,
    job_workflow_sha: event.sha,
    ref: event.ref,
    ref_name: refName(event.ref),
    ref_protected: false,
    ref_type: refType(event.ref),
    repository,
    repository_id: '123456789',
    repository_owner: repository.split('/')[0] ?? '',
    repository_owner_id: '987654',
    repositoryUrl: `git://github.com/${repository}.git`,
    retention_days: '90',
    run_attempt: String(run.attempt),
    run_id: run.runId,
    run_number: String(run.runNumber),
    secret_source: 'Actions',
    server_url: 'https://github.com',
    sha: event.sha,
    token: run.githubToken,
    triggering_actor: run.actor,
    workflow: run.top.name,
    workflow_ref: workflowRef(run),
    workflow_sha: event.sha,
    workspace,
  };
  return known(run, entries, 'is not in the github context');
}

/** The environment variables the runner derives from the github context. */
export function githubEnv(run: RunState, jobId: string): Record<string, string> {
  const { repository, event } = run.opts;
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: run.actor,
    GITHUB_ACTOR_ID: '987654',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_BASE_REF: '',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: run.eventPath,
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_HEAD_REF: '',
    GITHUB_JOB: jobId,
    GITHUB_REF: event.ref,
    GITHUB_REF_NAME: refName(event.ref),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_REF_TYPE: refType(event.ref),
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_ID: '123456789',
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0] ?? '',
    GITHUB_REPOSITORY_OWNER_ID: '987654',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: String(run.attempt),
    GITHUB_RUN_ID: run.runId,
    GITHUB_RUN_NUMBER: String(run.runNumber),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: event.sha,
    GITHUB_TRIGGERING_ACTOR: run.actor,
    GITHUB_WORKFLOW: run.top.name,
    GITHUB_WORKFLOW_REF: workflowRef(run),
    GITHUB_WORKFLOW_SHA: event.sha,
    RUNNER_ARCH: process.arch === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_OS: 'Linux',
  };
}

export function runnerContext(run: RunState, key: string, temp: string, toolCache: string): Ctx {
  const entries = { name: `local (${key})`, os: 'Linux', arch: process.arch === 'arm64' ? 'ARM64' : 'X64', temp, tool_cache: toolCache, environment: 'github-hosted', debug: '' };
  return known(run, entries, 'is not in the runner context');
}

export function strategyContext(run: RunState, s: { failFast: boolean; index: number; total: number; maxParallel: number }): Ctx {
  return known(run, { 'fail-fast': s.failFast, 'job-index': s.index, 'job-total': s.total, 'max-parallel': s.maxParallel }, 'is not in the strategy context');
}

export function matrixContext(run: RunState, matrix: Record<string, Json> | undefined): Ctx {
  return known(run, matrix ?? {}, matrix ? 'is not a key of this matrix leg' : 'is not set: the job has no matrix');
}

/**
 * A job's OIDC claims the way GitHub mints them: workflow_ref is the top-level (caller) workflow,
 * job_workflow_ref the workflow file the job is defined in (a local reusable workflow runs at the caller's ref).
 */
export function jobClaims(run: RunState, scope: ScopeState): ClaimOverrides {
  const { repository, event } = run.opts;
  return {
    repository,
    repository_owner: repository.split('/')[0],
    ref: event.ref,
    ref_type: refType(event.ref),
    sha: event.sha,
    sub: `repo:${repository}:ref:${event.ref}`,
    actor: run.actor,
    triggering_actor: run.actor,
    event_name: event.name,
    workflow: run.top.name,
    workflow_ref: workflowRef(run),
    workflow_sha: event.sha,
    job_workflow_ref: workflowRef(run, scope.wf.file),
    job_workflow_sha: event.sha,
    run_id: run.runId,
    run_number: String(run.runNumber),
    run_attempt: String(run.attempt),
    ...run.opts.claims,
  };
}
