import type { Exec } from '../exec.ts';
import type { InputReader } from '../inputs.ts';
import type { Logger, Registry } from '../ports.ts';
import type { Scratch } from '../scratch.ts';
import type { HandoffStore } from '../handoff/store.ts';
import type { RunInfo } from '../handoff/record.ts';
import type { GitHubContext } from '../github/context.ts';
import type { Cosign, CosignInstallInputs } from '../cosign/setup.ts';
import { runnerEnvironmentOf } from '../github/runner-environment.ts';

/**
 * Everything a feature's run() may touch outside itself. runAction builds it from the runner's environment;
 * unit tests build it from in-memory fakes (test/support/fake-context.ts). Nothing in a feature reaches past it.
 */
export interface ActionContext {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  /** The step's inputs (INPUT_* as the runner sets them). */
  readonly read: InputReader;
  readonly workspace: string;
  /** RUNNER_TEMP: shared by the job's later steps; private files go to scratch instead. */
  readonly tmpDir: string;
  readonly exec: Exec;
  readonly log: Logger;
  /** Created on first use and closed when the step ends, so steps that never talk to a registry pay nothing. */
  readonly registry: Registry;
  /** Where build legs leave their digest records for the merge job: GitHub's artifact service in Actions. */
  readonly store: HandoffStore;
  /** Private files (keys, tokens) for the tools; removed when the step ends, whatever its outcome. */
  readonly scratch: Scratch;
  readonly github: GitHubContext;
  /** Who is running: recorded in the digest hand-off so the merge can refuse another run's records. */
  readonly run: RunInfo;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A GitHub OIDC token for the audience (keyless signing). */
  getIdToken(audience: string): Promise<string>;
  /** Masks a value in the job log from here on. */
  setSecret(value: string): void;
  /** cosign, downloaded and verified or found in the tool cache. */
  installCosign(inputs: CosignInstallInputs): Promise<Cosign>;
}

/** The run identity a build leg records, from the GitHub context the runner gives every step. */
export function runInfoOf(env: NodeJS.ProcessEnv): RunInfo {
  return {
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    job: env.GITHUB_JOB,
    workflowRef: env.GITHUB_WORKFLOW_REF,
    sha: env.GITHUB_SHA,
    runnerEnvironment: runnerEnvironmentOf(env),
  };
}
