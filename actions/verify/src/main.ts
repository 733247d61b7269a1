import * as core from '@actions/core';
import {
  actionLogger, chooseHandoffStore, createExec, createRegistryClient, defaultInstallDeps, envInputs, expectedSignerText, failIf, publishConsumerPolicies,
  readVerifyInputs, renderVerifySummary, runAction, setOutputs, setupCosign, sleep, verifyFailure, verifyImage, verifyOutputs, writeSummary,
} from '@moam/core';

await runAction('verify', async ({ scratch }) => {
  const env = process.env;
  const exec = createExec({ log: core.info });

  // 1. Inputs: the expected signer is anchored (^...$) and pinned to the repository (and, when given, source ref and trigger).
  const inputs = readVerifyInputs(envInputs(env), env);
  core.info(`Expected signer: ${expectedSignerText(inputs)}`);

  // 2. cosign, verified before it runs; the registry reads below do not wait for it.
  const cosign = setupCosign(inputs.cosign, { install: defaultInstallDeps(), log: core.info });
  cosign.catch(() => undefined); // awaited by verifyImage; this only keeps an early registry failure from leaving it unhandled

  // 3. Verify the index and every platform manifest concurrently, by digest; check attestations.
  const registry = createRegistryClient({ env, exec, log: core.info });
  try {
    const report = await verifyImage(inputs, cosign, { exec, env, registry, sleep, log: actionLogger, scratch });

    // 4. The consumer policies of the signer just verified (when asked for).
    const policies = await publishConsumerPolicies(inputs, report, { tmpDir: env.RUNNER_TEMP || process.cwd(), store: chooseHandoffStore(env), log: core.info });

    // 5. Outputs, summary; any failure fails the step listing every failing digest.
    setOutputs(verifyOutputs(report, policies));
    await writeSummary(renderVerifySummary(report, expectedSignerText(inputs)) + (policies ? `\n${policies.summary}` : ''));
    failIf(verifyFailure(report));
  } finally {
    registry.close();
  }
});
