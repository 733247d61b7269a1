import { type ImageName, sameImage } from '../image.ts';
import { type Platform, formatPlatform, parsePlatform, platformSlug } from '../platform.ts';
import { quote } from '../errors.ts';
import type { HandoffStore } from '../handoff/store.ts';
import { type DigestRecord, validateRecord } from '../handoff/record.ts';

export interface RecordSetCheck {
  /** One record per expected platform, in the order of the platforms input. */
  records: DigestRecord[];
  problems: string[];
}

export interface LoadedRecord {
  source: string;
  text: string;
}

/**
 * The artifacts of exactly this prefix: <prefix>-<platform slug>. "digests" must not collect "digests-worker-*", the
 * records another image's build legs (another call of the workflow in the same run) handed over.
 */
export function ownArtifacts(names: readonly string[], prefix: string): string[] {
  return names.filter((name) => {
    const slug = name.startsWith(`${prefix}-`) ? name.slice(prefix.length + 1) : '';
    try {
      return slug !== '' && platformSlug(parsePlatform(slug.replace(/-/g, '/'))) === slug;
    } catch {
      return false;
    }
  });
}

/** Reads every <prefix>-<platform> artifact and returns each file in it as one record text. */
export async function loadRecords(store: HandoffStore, prefix: string): Promise<LoadedRecord[]> {
  const names = ownArtifacts(await store.list(prefix), prefix);
  const out: LoadedRecord[] = [];
  for (const name of names) {
    const files = (await store.get(name)).filter((f) => f.name.endsWith('.json'));
    if (files.length === 0) out.push({ source: name, text: '' });
    for (const f of files) out.push({ source: `${name}/${f.name}`, text: f.content });
  }
  return out;
}

/** The run the merge belongs to: records of another run or another commit are refused unless allowed. */
export interface RecordOrigin {
  runId?: string;
  sha?: string;
  /** Merge records of another run or commit on purpose (allow-foreign-records). */
  allowForeign?: boolean;
}

/** Why a record was not built by this run at this commit (checked where both the record and this run say). */
function foreign(record: DigestRecord, origin: RecordOrigin): string | undefined {
  const differs: string[] = [];
  if (origin.runId && record.run.runId && record.run.runId !== origin.runId) differs.push(`run ${quote(record.run.runId)} (this is run ${origin.runId})`);
  if (origin.sha && record.run.sha && record.run.sha !== origin.sha) differs.push(`commit ${quote(record.run.sha)} (this run builds ${origin.sha})`);
  return differs.length > 0 ? differs.join(' at ') : undefined;
}

/** The set of records must equal the expected platforms, one each, naming every image; all problems at once. */
export function checkRecordSet(loaded: readonly LoadedRecord[], expected: readonly Platform[], images: readonly ImageName[], prefix: string, origin: RecordOrigin = {}): RecordSetCheck {
  const problems: string[] = [];
  const byPlatform = new Map<string, DigestRecord[]>();
  for (const l of loaded) {
    if (l.text === '') {
      problems.push(`${l.source}: artifact holds no digest record (re-run the build leg that produced it)`);
      continue;
    }
    const { record, problems: p } = validateRecord(l.text, l.source);
    problems.push(...p);
    if (!record) continue;
    const stale = origin.allowForeign ? undefined : foreign(record, origin);
    if (stale) {
      problems.push(`${l.source}: the ${record.platform} record was built by ${stale}: a record left by another run (a local hand-off directory persists between runs) or another commit would publish an image this release did not build. Fix: re-run the build legs in this run, or set allow-foreign-records: true to merge records of another run on purpose`);
      continue;
    }
    const list = byPlatform.get(record.platform) ?? [];
    list.push(record);
    byPlatform.set(record.platform, list);
  }
  const wanted = expected.map(formatPlatform);
  const records: DigestRecord[] = [];
  for (const platform of wanted) {
    const found = byPlatform.get(platform) ?? [];
    if (found.length === 0) problems.push(`missing platform ${platform}: no "${prefix}-*" record for it (did its build leg fail or not run?)`);
    else if (found.length > 1 && new Set(found.map((r) => r.digest)).size > 1) {
      problems.push(`duplicate platform ${platform}: ${found.length} records with different digests (${found.map((r) => r.digest).join(', ')})`);
    } else records.push(found[0] as DigestRecord);
  }
  for (const [platform, list] of byPlatform) {
    if (!wanted.includes(platform)) problems.push(`extra platform ${platform} (digest ${list[0]?.digest}): not in the platforms input (${wanted.join(', ')}); add it there or remove its build leg`);
  }
  for (const r of records) {
    const missing = images.filter((i) => !r.images.some((n) => sameImage(i, n)));
    if (missing.length > 0) problems.push(`${r.platform}: its build leg did not push to ${missing.map((i) => i.name).join(', ')} (it pushed to ${r.images.join(', ')}); use the same images input in build and merge`);
  }
  if (loaded.length === 0) problems.push(`no "${prefix}-*" digest artifacts found; did the build legs run with push: true and the same artifact-prefix?`);
  return { records, problems };
}
