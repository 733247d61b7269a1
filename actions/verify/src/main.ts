import { failIf, readVerifyInputs, renderVerifySummary, runAction, runVerify, setOutputs, verifyFailure, verifyOutputs, writeSummary } from '@moam/core';
import { cosignService, registryService } from '@moam/core/services';
import { handoffService } from '@moam/core/handoff-service';

await runAction('verify', { registry: registryService, store: handoffService, cosign: cosignService }, async (ctx) => {
  // 1. Inputs: the expected signer is anchored (^...$) and pinned to the repository (and, when given, source ref and trigger).
  const inputs = readVerifyInputs(ctx.read, ctx.env);

  // 2. Verify the index and every platform manifest by digest; check attestations; write the consumer policies.
  const result = await runVerify(ctx, inputs);

  // 3. Outputs, summary; any failure fails the step listing every failing digest.
  setOutputs(verifyOutputs(result));
  await writeSummary(renderVerifySummary(result));
  failIf(verifyFailure(result));
});
