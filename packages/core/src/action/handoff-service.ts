// Imported from @moam/core/handoff-service by the mains that hand digests over (build, merge, verify's policies):
// the artifact client behind it is a 3 MB chunk that the other bundles then do not carry.
import { chooseHandoffStore } from '../handoff/store.ts';
import type { ActionServices } from './run-action.ts';

/** GitHub's artifact service in Actions; a local directory elsewhere (MOAM_HANDOFF_DIR, or RUNNER_TEMP). */
export const handoffService: NonNullable<ActionServices['store']> = (env) => chooseHandoffStore(env);
