// Build legs reused across repositories of the plain test-bed registry: copying a graph by digest (blob mounts and
// manifest PUTs, never a tag) is much cheaper than building again, and gives the same digests.
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MANIFEST_MEDIA_TYPES } from '@moam/core';
import { rewriteJson } from './pipeline.ts';

const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
  json: {
    mediaType?: string;
    manifests?: Array<{ digest: string; annotations?: Record<string, string>; platform?: { os: string; architecture: string } }>;
    annotations?: Record<string, string>;
    config?: { digest: string; size: number };
    layers?: Array<{ digest: string; size: number; annotations?: Record<string, string> }>;
  };
}

/** GET straight from a plain-HTTP registry (never through a proxy). */
export async function fetchManifest(registry: string, repo: string, ref: string): Promise<StoredManifest> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } });
  if (res.status !== 200) throw new Error(`GET ${repo} manifest ${ref}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, mediaType: (res.headers.get('content-type') ?? '').split(';')[0] as string, json: JSON.parse(bytes.toString('utf8')) };
}

/** The digest a tag points to, or undefined. */
export async function tagDigest(registry: string, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
  return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** Copies digest's graph from one repository to another of the same registry by digest (blob mounts + manifest PUTs). */
export async function copyByDigest(registry: string, from: string, to: string, digest: string): Promise<void> {
  const m = await fetchManifest(registry, from, digest);
  for (const child of m.json.manifests ?? []) await copyByDigest(registry, from, to, child.digest);
  for (const blob of [...(m.json.config ? [m.json.config] : []), ...(m.json.layers ?? [])]) {
    const res = await fetch(`http://${registry}/v2/${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`mount ${blob.digest} from ${from} into ${to}: ${res.status}`);
  }
  const res = await fetch(`http://${registry}/v2/${to}/manifests/${digest}`, { method: 'PUT', headers: { 'content-type': m.mediaType }, body: m.bytes });
  if (res.status !== 201) throw new Error(`PUT ${to}@${digest}: ${res.status}`);
}

export interface Legs {
  repo: string;
  handoff: string;
  digests: Record<string, string>;
}

/** A copy of the legs in another repository, with a new hand-off directory whose records name `image`. */
export async function legsIn(registry: string, legs: Legs, repo: string, image: string): Promise<string> {
  for (const d of Object.values(legs.digests)) await copyByDigest(registry, legs.repo, repo, d);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
  await cp(legs.handoff, dir, { recursive: true });
  for (const p of Object.keys(legs.digests)) {
    const slug = p.replace(/\//g, '-');
    await rewriteJson(path.join(dir, `digests-${slug}`, `${slug}.json`), (r) => ({ ...r, images: [image] }));
  }
  return dir;
}
