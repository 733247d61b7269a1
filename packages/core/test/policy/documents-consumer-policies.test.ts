// Whole documents: which documents consumerPolicies() generates for a keyless signer and for a key signer.
import { describe, expect, it } from 'vitest';
import { type ConsumerPolicies, consumerPolicies } from '../../src/policy/all.ts';
import { KEY_SIGNER, REUSABLE } from './support.ts';

const generated = (all: ConsumerPolicies) => Object.entries(all).filter(([, r]) => r.ok).map(([k]) => k);

describe('consumerPolicies', () => {
  it('keyless: the Kubernetes documents and registries.d; podman and the IVP refuse', () => {
    const all = consumerPolicies(REUSABLE);
    expect(generated(all)).toEqual(['registriesD', 'kyvernoClusterPolicy', 'policyController']);
    expect([all.containersPolicy.ok, all.kyvernoImageValidatingPolicy.ok]).toEqual([false, false]);
  });

  it('key: every document', () => {
    expect(generated(consumerPolicies(KEY_SIGNER))).toEqual(['containersPolicy', 'registriesD', 'kyvernoClusterPolicy', 'kyvernoImageValidatingPolicy', 'policyController']);
  });
});
