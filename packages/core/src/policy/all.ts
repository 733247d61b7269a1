import { containersPolicy, registriesD } from './containers-policy.ts';
import type { ExpectedSigner } from './expected-signer.ts';
import { normalizeSigner } from './normalize.ts';
import { kyvernoClusterPolicy, kyvernoImageValidatingPolicy } from './kyverno.ts';
import { policyControllerClusterImagePolicy } from './policy-controller.ts';
import type { PolicyResult } from './result.ts';

export interface ConsumerPolicies {
  containersPolicy: ReturnType<typeof containersPolicy>;
  registriesD: ReturnType<typeof registriesD>;
  kyvernoClusterPolicy: ReturnType<typeof kyvernoClusterPolicy>;
  kyvernoImageValidatingPolicy: ReturnType<typeof kyvernoImageValidatingPolicy>;
  policyController: ReturnType<typeof policyControllerClusterImagePolicy>;
}

/** Every consumer document for one expected signer (cosign lines need digests: cosignVerifyCommands()). */
export function consumerPolicies(signer: ExpectedSigner, options: { name?: string } = {}): ConsumerPolicies {
  // Validate once up front, so an invalid signer is one error rather than five.
  normalizeSigner(signer);
  return {
    containersPolicy: containersPolicy(signer),
    registriesD: registriesD(signer),
    kyvernoClusterPolicy: kyvernoClusterPolicy(signer, options),
    kyvernoImageValidatingPolicy: kyvernoImageValidatingPolicy(signer, options),
    policyController: policyControllerClusterImagePolicy(signer, options),
  };
}

/** The generated documents' texts by file name; refusals are left out (read them from consumerPolicies()). */
export function policyFiles(policies: ConsumerPolicies): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (name: string, r: PolicyResult<unknown> | { ok: true; text: string }): void => {
    if (r.ok) files[name] = r.text;
  };
  add('policy.json', policies.containersPolicy);
  add('registries.d/moam.yaml', policies.registriesD);
  add('kyverno-clusterpolicy.yaml', policies.kyvernoClusterPolicy);
  add('kyverno-imagevalidatingpolicy.yaml', policies.kyvernoImageValidatingPolicy);
  add('policy-controller-clusterimagepolicy.yaml', policies.policyController);
  return files;
}
