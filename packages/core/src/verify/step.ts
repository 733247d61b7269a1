import type { ActionContext } from '../action/context.ts';
import type { VerifyInputs } from './inputs.ts';
import { type VerifyReport, verifyImage } from './run.ts';
import { type WrittenPolicies, publishConsumerPolicies } from './policies.ts';
import { expectedSignerText } from './outputs.ts';

export interface VerifyStepResult {
  report: VerifyReport;
  /** The expected signer in one line (log and summary). */
  expected: string;
  policies?: WrittenPolicies;
}

/**
 * The verify step: the index and every platform manifest verified by digest against the expected signer (cosign
 * installs while the registry is read), attestations checked, then the consumer policies of that signer.
 */
export async function runVerify(ctx: ActionContext, inputs: VerifyInputs): Promise<VerifyStepResult> {
  const expected = expectedSignerText(inputs);
  ctx.log.info(`Expected signer: ${expected}`);
  const cosign = ctx.installCosign(inputs.cosign);
  cosign.catch(() => undefined); // awaited by verifyImage; this only keeps an early registry failure from leaving it unhandled
  const report = await verifyImage(inputs, cosign, ctx);
  const policies = await publishConsumerPolicies(inputs, report, { tmpDir: ctx.tmpDir, store: ctx.store, log: ctx.log.info });
  return { report, expected, ...(policies ? { policies } : {}) };
}
