import * as core from '@actions/core';
import { boundLines, errorMessage } from './errors.ts';
import type { Logger } from './ports.ts';
import { type Scratch, createScratch } from './scratch.ts';
import os from 'node:os';

/** What every action body gets from runAction. */
export interface ActionContext {
  /** Private files (keys, tokens) for the tools; removed when the step ends, whatever its outcome. */
  scratch: Scratch;
}

/** Runs an action body; any error fails the step with its message (which names the input and the fix). */
export async function runAction(name: string, body: (ctx: ActionContext) => Promise<void>): Promise<void> {
  // The runtime the runner started us with (tests assert it: packages/integration/test/node-runtime.test.ts).
  core.debug(`${name}: node ${process.version}`);
  const scratch = createScratch(process.env.RUNNER_TEMP || os.tmpdir());
  try {
    await body({ scratch });
  } catch (error) {
    core.setFailed(boundLines(`${name}: ${errorMessage(error)}`));
  } finally {
    await scratch.dispose();
  }
}

export function setOutputs(outputs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

/** Fails the step with `failure` once outputs and summary are written (a run that failed after publishing). */
export function failIf(failure: string | undefined): void {
  if (failure !== undefined) throw new Error(failure);
}

/** The runner's log: groups, warnings as annotations. */
export const actionLogger: Logger = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  group: (title, fn) => core.group(title, fn),
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes a markdown job summary; outside the runner (no GITHUB_STEP_SUMMARY) it goes to the log instead. */
export async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  else core.info(markdown);
}
