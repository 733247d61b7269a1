import { planOutputs, planRelease, readPlanInputs, renderPlanSummary, runAction, setOutputs, writeSummary } from '@moam/core';

await runAction('plan', {}, async (ctx) => {
  // 1. Inputs: image names, platforms and runners parsed exactly as the other actions parse them.
  const inputs = readPlanInputs(ctx.read, ctx.env);

  // 2. One native leg per platform; a platform without a runner, or an unwanted self-hosted runner, is refused.
  const plan = planRelease(inputs);

  // 3. Outputs (the build matrix, the hand-off prefix, the concurrency group) and the summary.
  setOutputs(planOutputs(plan));
  await writeSummary(renderPlanSummary(plan));
});
