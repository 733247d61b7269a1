import { InputError, Problems } from '../errors.ts';
import { type ImageName, parseImageNames } from '../image.ts';
import { type InputReader, parseBoolean, parseKeyValues, parseList, requireInput } from '../inputs.ts';
import { type Platform, parsePlatforms } from '../platform.ts';
import { type LatestMode, parseLatest } from '../tags.ts';
import { parseArtifactPrefix } from '../handoff/record.ts';

export interface MergeInputs {
  images: ImageName[];
  platforms: Platform[];
  artifactPrefix: string;
  version?: string;
  /** Release tags carry the version after this prefix (sample-app/v1.2.3 with sample-app/). */
  tagPrefix?: string;
  latest: LatestMode;
  extraTags: string[];
  annotations: Array<[string, string]>;
  dryRun: boolean;
  /** Move latest, X and X.Y even when they point at a newer release. */
  forceFloatingTags: boolean;
  /** Allow moving an existing version tag to a different index. */
  overwriteVersionTag: boolean;
  /** Merge digest records of another run or commit on purpose. */
  allowForeignRecords: boolean;
}

export function readMergeInputs(read: InputReader): MergeInputs {
  const p = new Problems();
  const images = p.collect(() => parseImageNames(parseList(requireInput(read, 'images', 'ghcr.io/owner/app'))));
  const platforms = p.collect(() => parsePlatforms(parseList(requireInput(read, 'platforms', 'linux/amd64,linux/arm64'))));
  const artifactPrefix = p.collect(() => parseArtifactPrefix(read('artifact-prefix')));
  const latest = p.collect(() => parseLatest(read('latest')));
  const extraTags = p.collect(() => parseList(read('tags')));
  const annotations = p.collect(() =>
    parseKeyValues(read('annotations'), 'annotations').map(([k, v]): [string, string] => {
      const key = k.replace(/^index:/, '');
      if (/^[a-z-]+(\[[^\]]*\])?:/.test(key)) throw new InputError('annotations', `"${k}" has a level other than index:`, 'merge-manifest sets index-level annotations only: give KEY=VALUE or index:KEY=VALUE');
      return [key, v];
    }),
  );
  const dryRun = p.collect(() => parseBoolean(read('dry-run'), 'dry-run', false));
  const tagPrefix = p.collect(() => {
    const t = read('tag-prefix');
    if (t && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(t)) throw new InputError('tag-prefix', `"${t}" is not a git tag prefix`, 'give the part of the tag before the version, e.g. api/ for api/v1.2.3');
    return t || undefined;
  });
  const forceFloatingTags = p.collect(() => parseBoolean(read('force-floating-tags'), 'force-floating-tags', false));
  const overwriteVersionTag = p.collect(() => parseBoolean(read('overwrite-version-tag'), 'overwrite-version-tag', false));
  const allowForeignRecords = p.collect(() => parseBoolean(read('allow-foreign-records'), 'allow-foreign-records', false));
  p.throwIfAny('invalid inputs');
  const version = read('version');
  return {
    images: images!,
    platforms: platforms!,
    artifactPrefix: artifactPrefix!,
    ...(version ? { version } : {}),
    ...(tagPrefix ? { tagPrefix } : {}),
    latest: latest!,
    extraTags: extraTags!,
    annotations: annotations!,
    dryRun: dryRun!,
    forceFloatingTags: forceFloatingTags!,
    overwriteVersionTag: overwriteVersionTag!,
    allowForeignRecords: allowForeignRecords!,
  };
}
