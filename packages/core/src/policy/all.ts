import { containersPolicy, registriesD } from './containers-policy.ts';
import type { ExpectedSigner } from './expected-signer.ts';
import { normalizeSigner } from './normalize.ts';
import { kyvernoClusterPolicy, kyvernoImageValidatingPolicy } from './kyverno.ts';
import { policyControllerClusterImagePolicy } from './policy-controller.ts';

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

