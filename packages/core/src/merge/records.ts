import { type ImageName, sameImage } from '../image.ts';
import { type Platform, formatPlatform } from '../platform.ts';
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

/** Reads every <prefix>-* artifact and returns each file in it as one record text. */
export async function loadRecords(store: HandoffStore, prefix: string): Promise<LoadedRecord[]> {
  const names = await store.list(prefix);
  const out: LoadedRecord[] = [];
  for (const name of names) {
    const files = (await store.get(name)).filter((f) => f.name.endsWith('.json'));
    if (files.length === 0) out.push({ source: name, text: '' });
    for (const f of files) out.push({ source: `${name}/${f.name}`, text: f.content });
  }
  return out;
}

/** The set of records must equal the expected platforms, one each, naming every image; all problems at once. */
export function checkRecordSet(loaded: readonly LoadedRecord[], expected: readonly Platform[], images: readonly ImageName[], prefix: string): RecordSetCheck {
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
