import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBuildxInspect } from '../src/buildx/builder.ts';
import { type AttestationForm, chooseAttestationForm, parseAttestationForm } from '../src/buildx/attestation-form.ts';
import { InputError } from '../src/errors.ts';

const docker = readFileSync(path.join(import.meta.dirname, 'fixtures/buildx/buildx-inspect.txt'), 'utf8');
// The same layout for a docker-container builder (buildx's inspect prints one node block per node; the test bed
// has no BuildKit image to start one, so its Driver, Endpoint and BuildKit lines are written from that layout).
const container = docker
  .replace(/^Name:(\s+)default$/m, 'Name:$1builder-1')
  .replace(/^Driver:(\s+)docker$/m, 'Driver:$1docker-container')
  .replace(/^Endpoint:(\s+)default$/m, 'Endpoint:$1unix:///var/run/docker.sock')
  .replace('BuildKit version: v0.0.0+unknown', 'BuildKit version: v0.25.1');

describe('parseBuildxInspect: the BuildKit version', () => {
  it('the docker driver does not say (v0.0.0+unknown)', () => {
    expect(parseBuildxInspect(docker)).toEqual({ name: 'default', driver: 'docker' });
  });
  it('a docker-container builder says its first node\'s version', () => {
    expect(parseBuildxInspect(container)).toEqual({ name: 'builder-1', driver: 'docker-container', buildkitVersion: '0.25.1' });
  });
});

describe('chooseAttestationForm', () => {
  const b = (buildkitVersion?: string) => ({ name: 'b', ...(buildkitVersion ? { buildkitVersion } : {}) });
  it.each<{ requested: AttestationForm; version?: string; option?: string; warns?: boolean }>([
    { requested: 'auto', version: '0.32.0', option: 'oci-artifact=true' },
    { requested: 'auto', version: '0.19.0', option: 'oci-artifact=true' },
    { requested: 'auto', version: '0.18.2' },
    { requested: 'auto' },
    { requested: 'artifact', version: '0.25.1', option: 'oci-artifact=true' },
    { requested: 'artifact', option: 'oci-artifact=true', warns: true },
    { requested: 'legacy', version: '0.32.0', option: 'oci-artifact=false' },
    { requested: 'legacy', option: 'oci-artifact=false' },
    { requested: 'legacy', version: '0.13.2' },
  ])('$requested on BuildKit $version -> $option', ({ requested, version, option, warns }) => {
    const choice = chooseAttestationForm(requested, b(version));
    expect(choice.option).toBe(option);
    expect(choice.warning !== undefined).toBe(warns ?? false);
  });

  it('refuses artifact on a BuildKit that predates it, naming the builder, its version and the fix', () => {
    expect(() => chooseAttestationForm('artifact', b('0.13.2'))).toThrow(InputError);
    expect(() => chooseAttestationForm('artifact', b('0.13.2'))).toThrow(/attestation-form.*builder "b" \(BuildKit v0\.13\.2\).*needs BuildKit v0\.19\.0 or later.*Fix: use a newer builder/s);
  });

  it('reads the input', () => {
    expect(parseAttestationForm('')).toBe('auto');
    expect(parseAttestationForm('Artifact')).toBe('artifact');
    expect(() => parseAttestationForm('oci')).toThrow(/"oci" is not auto, artifact or legacy/);
  });
});
