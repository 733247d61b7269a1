// Distribution-API helpers for the benchmark (plain HTTP, the test bed's loopback registry).
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface ManifestJson {
  manifests?: Array<{ digest: string }>;
  config?: { digest: string };
  layers?: Array<{ digest: string }>;
}

/** Copies digest's graph from one repository to another of the same registry (blob mounts + manifest PUTs by digest). */
export async function copyByDigest(registry: string, from: string, to: string, digest: string): Promise<void> {
  const res = await fetch(`http://${registry}/v2/${from}/manifests/${digest}`, { headers: { accept: ACCEPT } });
  if (res.status !== 200) throw new Error(`GET ${from}@${digest}: ${res.status}`);
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0] as string;
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = JSON.parse(bytes.toString('utf8')) as ManifestJson;
  for (const child of json.manifests ?? []) await copyByDigest(registry, from, to, child.digest);
  for (const blob of [...(json.config ? [json.config] : []), ...(json.layers ?? [])]) {
    const m = await fetch(`http://${registry}/v2/${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { method: 'POST' });
    if (m.status !== 201) throw new Error(`mount ${blob.digest} into ${to}: ${m.status}`);
  }
  const put = await fetch(`http://${registry}/v2/${to}/manifests/${digest}`, { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes });
  if (put.status !== 201) throw new Error(`PUT ${to}@${digest}: ${put.status}`);
}

/** The digest a tag resolves to (HEAD). */
export async function tagDigest(registry: string, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT } });
  return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/** Whether two published indexes hold the same descriptors and annotations; says how they differ otherwise. */
export async function sameIndex(registry: string, a: { repo: string; digest: string }, b: { repo: string; digest: string }): Promise<string> {
  if (a.digest === b.digest) return 'both publish the same index digest';
  const get = async (x: { repo: string; digest: string }) => {
    const res = await fetch(`http://${registry}/v2/${x.repo}/manifests/${x.digest}`, { headers: { accept: ACCEPT } });
    return JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8')) as { manifests?: Array<{ digest: string }>; annotations?: Record<string, string> };
  };
  const [ia, ib] = [await get(a), await get(b)];
  const norm = (i: typeof ia) => JSON.stringify({ ...i, manifests: [...(i.manifests ?? [])].sort((x, y) => x.digest.localeCompare(y.digest)) });
  const sameOrder = JSON.stringify(ia.manifests?.map((m) => m.digest)) === JSON.stringify(ib.manifests?.map((m) => m.digest));
  if (norm(ia) === norm(ib) && !sameOrder) return 'same manifests and annotations; the raw recipe lists the sources in file-name (digest) order, the suite in platform order, so the index digests differ';
  return `the indexes differ (${a.digest} vs ${b.digest})`;
}

/** What an index holds: its platform manifests and its attestation manifests. */
export async function indexShape(registry: string, repo: string, ref: string): Promise<{ platforms: number; attestations: number }> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${ref}`, { headers: { accept: ACCEPT } });
  if (res.status !== 200) throw new Error(`GET ${repo}:${ref}: ${res.status}`);
  const index = JSON.parse(Buffer.from(await res.arrayBuffer()).toString('utf8')) as { manifests?: Array<{ annotations?: Record<string, string> }> };
  const attestations = (index.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest').length;
  return { platforms: (index.manifests ?? []).length - attestations, attestations };
}
