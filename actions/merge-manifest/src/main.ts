import { failIf, mergeOutputs, readMergeInputs, renderMergeSummary, runAction, runMerge, setOutputs, writeSummary } from '@moam/core';
import { registryService } from '@moam/core/services';
import { handoffService } from '@moam/core/handoff-service';

await runAction('merge-manifest', { registry: registryService, store: handoffService }, async (ctx) => {
  // 1. Inputs, validated all at once.
  const inputs = readMergeInputs(ctx.read);

  // 2. The tag plan; the records and the registry checked; the index created, pushed and inspected.
  const result = await runMerge(ctx, inputs);

  // 3. Outputs and summary, also when a failure came after publishing: they say what the registries hold.
  setOutputs(mergeOutputs(result));
  await writeSummary(renderMergeSummary(result));
  failIf(result.failure);
});
