import * as core from '@actions/core';
import {
  actionLogger, chooseHandoffStore, failIf, mergeOutputs, setOutputs, readGitHubContext, createExec, createRegistryClient, envInputs, mergeManifest, mergeUserMetadata, readMergeInputs,
  releaseMetadata, renderMergeSummary, runAction, sleep, tagPlanFor, writeSummary,
} from '@moam/core';

await runAction('merge-manifest', async () => {
  const env = process.env;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const exec = createExec({ log: core.info });

  // 1. Inputs and the tag plan (a non-SemVer git tag fails here, before anything is read or pushed).
  const inputs = readMergeInputs(envInputs(env));
  const plan = tagPlanFor(env, readGitHubContext(env), inputs);
  const metadata = await releaseMetadata({ env, exec, workspace, version: plan.version });
  for (const note of metadata.meta.notes) core.info(note);
  const annotations = mergeUserMetadata(metadata.meta.annotations, inputs.annotations);

  // 2. Validate the records and the registry, then create, push and inspect the index.
  const registry = createRegistryClient({ env, exec, log: core.info });
  try {
    const result = await mergeManifest(inputs, plan, annotations, { exec, env, log: actionLogger, registry, store: chooseHandoffStore(env), sleep, clock: Date.now });

    // 3. Outputs and summary, also when a failure came after publishing: they say what the registries hold.
    setOutputs(mergeOutputs(result));
    await writeSummary(renderMergeSummary(result, inputs.images.map((i) => i.name)));
    failIf(result.failure);
  } finally {
    registry.close();
  }
});
