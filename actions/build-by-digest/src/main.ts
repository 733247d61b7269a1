import * as core from '@actions/core';
import {
  actionLogger, annotationArgsFor, buildByDigest, chooseHandoffStore, createExec, createRegistryClient, envInputs, formatPlatform,
  mergeUserMetadata, readBuildInputs, RUNNER_ENVIRONMENT_ANNOTATION, runnerEnvironmentOf, releaseMetadata, renderBuildSummary, runAction, writeSummary,
} from '@moam/core';

await runAction('build-by-digest', async () => {
  const env = process.env;
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const exec = createExec({ log: core.info });

  // 1. Inputs, validated all at once; secrets masked before anything is logged.
  const inputs = readBuildInputs(envInputs(env), workspace);
  for (const s of inputs.secrets) core.setSecret(s.value);

  // 2. Deterministic OCI labels and annotations from the GitHub context (user values win).
  const release = await releaseMetadata({ env, exec, workspace });
  for (const note of release.meta.notes) core.info(note);
  const labels = mergeUserMetadata(release.meta.labels, inputs.labels);
  const runner = runnerEnvironmentOf(env);
  const annotations = annotationArgsFor('manifest', mergeUserMetadata({ ...release.meta.annotations, ...(runner ? { [RUNNER_ENVIRONMENT_ANNOTATION]: runner } : {}) }, inputs.annotations));

  // 3. Build, push by digest, hand the digest over.
  const registry = createRegistryClient({ env, exec, log: core.info });
  try {
    const result = await buildByDigest(
      inputs,
      { labels, annotations, ...(release.sourceDateEpoch ? { sourceDateEpoch: release.sourceDateEpoch } : {}) },
      { repository: env.GITHUB_REPOSITORY, runId: env.GITHUB_RUN_ID, runAttempt: env.GITHUB_RUN_ATTEMPT, job: env.GITHUB_JOB, workflowRef: env.GITHUB_WORKFLOW_REF, sha: env.GITHUB_SHA, runnerEnvironment: runner },
      { exec, env, log: actionLogger, registry, store: chooseHandoffStore(env), tmpDir: env.RUNNER_TEMP || workspace, workspace, clock: Date.now },
    );

    // 4. Outputs and summary.
    core.setOutput('digest', result.digest);
    core.setOutput('platform', formatPlatform(inputs.platform));
    core.setOutput('images', inputs.images.map((i) => i.name).join(','));
    core.setOutput('artifact-name', result.artifact ?? '');
    core.setOutput('metadata', JSON.stringify(result.metadata.raw));
    await writeSummary(renderBuildSummary(inputs, result));
  } finally {
    registry.close();
  }
});
