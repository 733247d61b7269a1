import { buildOutputs, readBuildInputs, renderBuildSummary, runAction, runBuildLeg, setOutputs, writeSummary } from '@moam/core';
import { registryService } from '@moam/core/services';
import { handoffService } from '@moam/core/handoff-service';

await runAction('build-by-digest', { registry: registryService, store: handoffService }, async (ctx) => {
  // 1. Inputs, validated all at once.
  const inputs = readBuildInputs(ctx.read, ctx.workspace);

  // 2. Labels and annotations from the commit; build with provenance and SBOM; push by digest; hand the digest over.
  const result = await runBuildLeg(ctx, inputs);

  // 3. Outputs and summary.
  setOutputs(buildOutputs(result));
  await writeSummary(renderBuildSummary(result));
});
