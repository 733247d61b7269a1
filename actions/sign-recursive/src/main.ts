import * as core from '@actions/core';
import {
  actionLogger, createExec, createRegistryClient, defaultInstallDeps, envInputs, prepareSigner, readSignInputs, renderSignSummary,
  runAction, setupCosign, signRecursive, sleep, writeSummary,
} from '@moam/core';

await runAction('sign-recursive', async ({ scratch }) => {
  const env = process.env;
  const exec = createExec({ log: core.info });

  // 1. Inputs (a tag instead of a digest, keyless together with key: refused here, before anything runs).
  const inputs = readSignInputs(envInputs(env));
  if (inputs.keyPassword) core.setSecret(inputs.keyPassword);
  if (inputs.key?.includes('-----BEGIN')) core.setSecret(inputs.key);

  // 2. cosign, verified before it is cached or run; then the signer (GitHub OIDC token or key).
  const cosign = await setupCosign(inputs.cosign, { install: defaultInstallDeps(), log: core.info });
  const signer = await prepareSigner(inputs, { exec, env, scratch, getIdToken: (aud) => core.getIDToken(aud), setSecret: core.setSecret });
  if (signer.kind === 'keyless') core.info(`Signing keyless as ${signer.identity} (issuer ${signer.issuer})`);

  // 3. Sign the index and, recursively, every manifest in it, by digest; skip what this signer already signed.
  const registry = createRegistryClient({ env, exec, log: core.info });
  try {
    const entries = await signRecursive(inputs, cosign, signer, { exec, env, log: actionLogger, registry, sleep, scratch });

    // 4. Outputs and summary.
    core.setOutput('signed', JSON.stringify(entries));
    core.setOutput('cosign-version', cosign.version);
    core.setOutput('signer-identity', signer.kind === 'keyless' ? signer.identity : '');
    core.setOutput('signer-issuer', signer.kind === 'keyless' ? signer.issuer : '');
    await writeSummary(renderSignSummary(entries, cosign.version, signer.kind === 'keyless' ? `keyless (${signer.identity})` : 'key'));
  } finally {
    registry.close();
  }
});
