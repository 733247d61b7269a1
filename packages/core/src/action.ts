import * as core from '@actions/core';
import { errorMessage } from './errors.ts';
import type { Logger } from './ports.ts';

/** Runs an action body; any error fails the step with its message (which names the input and the fix). */
export async function runAction(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    core.setFailed(`${name}: ${errorMessage(error)}`);
  }
}

export function notImplemented(name: string): never {
  throw new Error(`${name} is not implemented yet in this version of multi-arch-of-madness; pin a release that has it`);
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
