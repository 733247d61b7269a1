import * as core from '@actions/core';
import {
  actionLogger, createExec, createRegistryClient, defaultInstallDeps, envInputs, readVerifyInputs, renderVerifySummary, runAction, setupCosign, sleep, verifyImage, writeSummary,
} from '@moam/core';

await runAction('verify', async ({ scratch }) => {
  const env = process.env;
  const exec = createExec({ log: core.info });

  // 1. Inputs: the expected signer is anchored (^...$) and pinned to the repository.
  const inputs = readVerifyInputs(envInputs(env), env);
  const expected = inputs.key ? 'the given public key' : `identity ${inputs.identity ?? inputs.identityRegexp}, issuer ${inputs.issuer}${inputs.repository ? `, repository ${inputs.repository}` : ''}`;
  core.info(`Expected signer: ${expected}`);

  // 2. cosign, verified before it runs; the registry reads below do not wait for it.
  const cosign = setupCosign(inputs.cosign, { install: defaultInstallDeps(), log: core.info });
  cosign.catch(() => undefined); // awaited by verifyImage; this only keeps an early registry failure from leaving it unhandled

  // 3. Verify the index and every platform manifest concurrently, by digest; check attestations.
  const registry = createRegistryClient({ env, exec, log: core.info });
  try {
    const report = await verifyImage(inputs, cosign, { exec, env, registry, sleep, log: actionLogger, scratch });

    // 4. Outputs, summary; any failure fails the step listing every failing digest.
    core.setOutput('digest', report.digest);
    core.setOutput('verified', String(report.verified));
    core.setOutput('report', JSON.stringify(report));
    await writeSummary(renderVerifySummary(report, expected));
    if (!report.verified) throw new Error(`${report.image} (${report.digest}) failed verification:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
    core.info(`Verified ${report.digests.length} digests of ${report.image} (${report.digest})`);
  } finally {
    registry.close();
  }
});
