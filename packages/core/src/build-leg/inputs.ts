import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, Problems } from '../errors.ts';
import { type ImageName, parseImageNames, parseImageReference } from '../image.ts';
import { type InputReader, parseBoolean, parseKeyValues, parseList, refuseOptionLike, requireInput } from '../inputs.ts';
import { type Platform, parsePlatform } from '../platform.ts';
import type { CacheMode, Provenance } from '../buildx/build-args.ts';
import { parseArtifactPrefix } from '../handoff/record.ts';
import { type AttestationForm, parseAttestationForm } from '../buildx/attestation-form.ts';

export interface BuildByDigestInputs {
  images: ImageName[];
  platform: Platform;
  context: string;
  file: string;
  buildArgs: Array<[string, string]>;
  target?: string;
  labels: Array<[string, string]>;
  annotations: Array<[string, string]>;
  secrets: Array<{ id: string; value: string }>;
  provenance: Provenance;
  sbom: boolean;
  sbomGenerator?: string;
  attestationForm: AttestationForm;
  cacheFrom: string[];
  cacheTo: string[];
  /** The default gha cache: auto (not for release builds), true, false. */
  cache: CacheMode;
  /** Building on a self-hosted runner is allowed (the reusable workflow makes it opt-in). */
  allowSelfHosted: boolean;
  push: boolean;
  builder?: string;
  artifactPrefix: string;
}

const PROVENANCE = /^(false|true|mode=(min|max)(,[a-z-]+=[^,\s]+)*)$/;

function isProvenance(value: string): value is Provenance {
  return PROVENANCE.test(value);
}

function parseSecrets(value: string): Array<{ id: string; value: string }> {
  // Never quote a secrets line: without "id=" the whole line may be the secret itself.
  const lines = parseList(value, { commas: false });
  const bad = lines.findIndex((l) => l.indexOf('=') <= 0);
  if (bad !== -1) throw new InputError('secrets', `line ${bad + 1} is not id=value (its content is not shown: it may be a secret)`, 'give one id=value per line, e.g. GIT_AUTH_TOKEN=${{ secrets.TOKEN }}');
  return parseKeyValues(value, 'secrets').map(([id, v]) => {
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new InputError('secrets', `secret id "${id}" has characters other than letters, digits, . _ -`, 'use ids like GIT_AUTH_TOKEN=value');
    return { id, value: v };
  });
}

/** Reads and validates every input; all problems are reported together. */
export function readBuildInputs(read: InputReader, workspace: string): BuildByDigestInputs {
  const p = new Problems();
  const images = p.collect(() => parseImageNames(parseList(requireInput(read, 'images', 'ghcr.io/owner/app'))));
  const platform = p.collect(() => parsePlatform(requireInput(read, 'platform', 'linux/amd64')));
  const context = p.collect(() => {
    const c = refuseOptionLike(read('context') || '.', 'context');
    if (/^[a-z]+:\/\//i.test(c) || c.startsWith('git@')) return c;
    const abs = path.resolve(workspace, c);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new InputError('context', `directory "${c}" does not exist (looked in ${abs})`, 'point context at the directory that holds your build files; did you run actions/checkout?');
    return c;
  });
  const file = p.collect(() => {
    const f = read('file');
    if (f) refuseOptionLike(f, 'file');
    const rel = f || path.join(context ?? '.', 'Dockerfile');
    if (context !== undefined && !/^[a-z]+:\/\//i.test(context) && !existsSync(path.resolve(workspace, rel))) {
      throw new InputError('file', `Dockerfile "${rel}" does not exist`, f ? 'give the path of your Dockerfile relative to the workspace' : 'add a Dockerfile to the context or set the file input');
    }
    return rel;
  });
  const buildArgs = p.collect(() =>
    parseKeyValues(read('build-args'), 'build-args').map(([k, v]): [string, string] => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new InputError('build-args', `"${k}" is not a valid build argument name`, 'use NAME=value with NAME of letters, digits and _');
      return [k, v];
    }),
  );
  const target = p.collect(() => {
    const t = read('target');
    if (t && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(t)) throw new InputError('target', `"${t}" is not a build stage name`, 'give the name of a stage (FROM ... AS <name>)');
    return t || undefined;
  });
  const labels = p.collect(() => parseKeyValues(read('labels'), 'labels'));
  const annotations = p.collect(() => parseKeyValues(read('annotations'), 'annotations'));
  const secrets = p.collect(() => parseSecrets(read('secrets')));
  const provenance = p.collect(() => {
    const v = read('provenance') || 'mode=max';
    if (!isProvenance(v)) throw new InputError('provenance', `"${v}" is not a provenance setting`, 'use mode=max, mode=min or false');
    return v;
  });
  const sbom = p.collect(() => parseBoolean(read('sbom'), 'sbom', true));
  const attestationForm = p.collect(() => parseAttestationForm(read('attestation-form')));
  const sbomGenerator = p.collect(() => {
    const g = read('sbom-generator');
    if (!g) return undefined;
    parseImageReference(refuseOptionLike(g, 'sbom-generator'), 'sbom-generator');
    return g;
  });
  const cacheFrom = p.collect(() => parseList(read('cache-from'), { commas: false }).map((c) => refuseOptionLike(c, 'cache-from')));
  const cacheTo = p.collect(() => parseList(read('cache-to'), { commas: false }).map((c) => refuseOptionLike(c, 'cache-to')));
  const cache = p.collect((): CacheMode => {
    const c = (read('cache') || 'auto').toLowerCase();
    if (c !== 'auto' && c !== 'true' && c !== 'false') throw new InputError('cache', `"${read('cache')}" is not auto, true or false`, 'use auto (the GitHub Actions cache, but not for release builds), true or false');
    return c;
  });
  const push = p.collect(() => parseBoolean(read('push'), 'push', true));
  const allowSelfHosted = p.collect(() => parseBoolean(read('allow-self-hosted'), 'allow-self-hosted', true));
  const builder = p.collect(() => {
    const b = read('builder');
    if (b && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(b)) throw new InputError('builder', `"${b}" is not a builder name`, 'give the name shown by `docker buildx ls`, or leave it empty');
    return b || undefined;
  });
  const artifactPrefix = p.collect(() => parseArtifactPrefix(read('artifact-prefix')));
  p.throwIfAny('invalid inputs');
  return {
    images: images!,
    platform: platform!,
    context: context!,
    file: file!,
    buildArgs: buildArgs!,
    ...(target ? { target } : {}),
    labels: labels!,
    annotations: annotations!,
    secrets: secrets!,
    provenance: provenance!,
    sbom: sbom!,
    ...(sbomGenerator ? { sbomGenerator } : {}),
    attestationForm: attestationForm!,
    cacheFrom: cacheFrom!,
    cacheTo: cacheTo!,
    cache: cache!,
    allowSelfHosted: allowSelfHosted!,
    push: push!,
    ...(builder ? { builder } : {}),
    artifactPrefix: artifactPrefix!,
  };
}
