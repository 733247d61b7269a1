// The services mains hand to runAction (see ActionServices), imported from @moam/core/services: each one pulls its
// module into a bundle, so the plan step's bundle (which names none) has no HTTP stack.
import { createRegistryClient } from '../registry/client.ts';
import { defaultInstallDeps } from '../cosign/install.ts';
import { setupCosign } from '../cosign/setup.ts';
import type { ActionServices } from './run-action.ts';

/** The distribution-API client, with the runner's docker credentials and CA trust. */
export const registryService: NonNullable<ActionServices['registry']> = (deps) => createRegistryClient(deps);


/** cosign from the tool cache, or downloaded and verified against the release's checksums first. */
export const cosignService: NonNullable<ActionServices['cosign']> = (inputs, log) => setupCosign(inputs, { install: defaultInstallDeps(), log });
