import semver from 'semver';
import { InputError } from '../errors.ts';
import type { BuilderInfo } from './builder.ts';

/**
 * How BuildKit stores provenance and SBOM. legacy: an image manifest with an unknown/unknown config, which
 * registries and UIs list as a platform. artifact: an OCI artifact manifest (artifactType, empty config, subject),
 * which OCI-aware tools tell from a platform. The index entry is the same in both forms (BuildKit's annotations).
 */
export type AttestationForm = 'auto' | 'artifact' | 'legacy';

/** The image/oci exporters take oci-artifact= from BuildKit v0.19.0; v0.32.0 made it the default (test/fixtures/oci/README.md). */
export const OCI_ARTIFACT_SINCE = '0.19.0';

export interface AttestationFormChoice {
  /** The exporter option to add to --output, if any. */
  option?: 'oci-artifact=true' | 'oci-artifact=false';
  /** What the build will write, in words, for the log and the summary. */
  writes: string;
  /** Said as a warning: the form asked for may not be what is written. */
  warning?: string;
}

export function parseAttestationForm(value: string): AttestationForm {
  const v = (value || 'auto').toLowerCase();
  if (v === 'auto' || v === 'artifact' || v === 'legacy') return v;
  throw new InputError('attestation-form', `"${value}" is not auto, artifact or legacy`, 'use auto (the artifact form where the builder can write it), artifact or legacy');
}

/** The exporter option for the requested form on this builder; only consulted when the build attaches attestations. */
export function chooseAttestationForm(requested: AttestationForm, builder: Pick<BuilderInfo, 'name' | 'buildkitVersion'>): AttestationFormChoice {
  const v = builder.buildkitVersion;
  const supported = v === undefined ? undefined : semver.gte(v, OCI_ARTIFACT_SINCE);
  const where = `builder "${builder.name}" (BuildKit ${v ? `v${v}` : 'version not reported'})`;
  if (requested === 'legacy') {
    // BuildKit before 0.19 knows no other form; from 0.32 the artifact form is its default and must be turned off.
    return supported === false ? { writes: 'legacy form' } : { option: 'oci-artifact=false', writes: 'legacy form' };
  }
  if (supported === true) return { option: 'oci-artifact=true', writes: 'OCI artifact form' };
  if (requested === 'auto') return { writes: supported === false ? `legacy form (${where} predates the artifact form)` : `the builder's default form (${where})` };
  if (supported === false) {
    throw new InputError('attestation-form', `is artifact, but ${where} writes attestations only in the legacy form (the artifact form needs BuildKit v${OCI_ARTIFACT_SINCE} or later)`, 'use a newer builder (docker/setup-buildx-action starts a current BuildKit), or set attestation-form: auto');
  }
  return { option: 'oci-artifact=true', writes: 'OCI artifact form, if the builder knows the option', warning: `${where}: cannot tell whether it writes the artifact form; BuildKit before v${OCI_ARTIFACT_SINCE} ignores oci-artifact=true and writes the legacy form` };
}
