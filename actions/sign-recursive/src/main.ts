import { readSignInputs, renderSignSummary, runAction, runSign, setOutputs, signOutputs, writeSummary } from '@moam/core';
import { cosignService, registryService } from '@moam/core/services';

await runAction('sign-recursive', { registry: registryService, cosign: cosignService }, async (ctx) => {
  // 1. Inputs (a tag instead of a digest, keyless together with key: refused here, before anything runs).
  const inputs = readSignInputs(ctx.read);

  // 2. cosign verified before it runs; the signer (GitHub OIDC token or key); the index and, recursively, every
  //    manifest in it signed by digest, skipping what this signer already signed.
  const result = await runSign(ctx, inputs);

  // 3. Outputs (signer-identity/issuer pin the verify step) and summary.
  setOutputs(signOutputs(result));
  await writeSummary(renderSignSummary(result));
});
