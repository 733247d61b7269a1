import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DefaultArtifactClient } from '@actions/artifact';
import { startArtifactService, type ArtifactService } from '../src/artifact-service.ts';
import { decodeJwt, withEnv } from '../src/http-util.ts';

let svc: ArtifactService;
let tmp: string;

beforeAll(async () => {
  svc = await startArtifactService();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'moam-artifact-test-'));
});
afterAll(async () => {
  await svc?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The real client's uploadArtifact() under a job's environment; the id is always set on success. */
async function upload(env: Record<string, string>, ...args: Parameters<DefaultArtifactClient['uploadArtifact']>): Promise<{ id: number; size?: number; digest?: string }> {
  const r = await withEnv(env, () => new DefaultArtifactClient().uploadArtifact(...args));
  if (typeof r.id !== 'number') throw new Error('uploadArtifact returned no id');
  return { ...r, id: r.id };
}

async function makeFiles(dir: string, files: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content);
    out.push(p);
  }
  return out;
}

describe('artifact service stand-in with the real @actions/artifact 6.2.1 client', () => {
  it('puts the Actions.Results backend IDs in the runtime token scp claim and everything the client reads in env', () => {
    const { payload } = decodeJwt(svc.env.ACTIONS_RUNTIME_TOKEN as string);
    expect(payload.scp).toMatch(new RegExp(`Actions\\.Results:${svc.runBackendId}:[0-9a-f-]{36}`));
    expect(svc.env).toMatchObject({ ACTIONS_RESULTS_URL: `${svc.url}/`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: svc.runId, GITHUB_RUN_ATTEMPT: '1' });
    expect(svc.envFor({ job: 'build' }).ACTIONS_RUNTIME_TOKEN).toBe(svc.env.ACTIONS_RUNTIME_TOKEN);
    expect(svc.envFor({ job: 'other' }).ACTIONS_RUNTIME_TOKEN).not.toBe(svc.env.ACTIONS_RUNTIME_TOKEN);
  });

  it('round-trips: upload in one job, list/get/download in another job of the same run', async () => {
    const src = path.join(tmp, 'src');
    const files = await makeFiles(src, { 'digests/amd64.txt': 'sha256:' + 'a'.repeat(64) + '\n', 'digests/arm64.txt': 'sha256:' + 'b'.repeat(64) + '\n' });
    const uploaded = await upload(svc.envFor({ job: 'build-amd64' }), 'digests-amd64', files, src);
    expect(uploaded.id).toBeGreaterThan(0);
    expect(uploaded.size).toBeGreaterThan(0);
    const stored = svc.artifacts.find((a) => a.id === uploaded.id);
    expect(stored).toMatchObject({ name: 'digests-amd64', job: 'build-amd64', attempt: 1, finalized: true, contentType: 'application/zip' });
    // The client hashes what it streamed; the stand-in hashes what the blob protocol delivered: same bytes.
    expect(stored?.digest).toBe(`sha256:${stored?.blobSha256}`);
    expect(uploaded.digest).toBe(stored?.blobSha256);

    const dest = path.join(tmp, 'dest');
    await withEnv(svc.envFor({ job: 'merge' }), async () => {
      const client = new DefaultArtifactClient();
      const { artifacts } = await client.listArtifacts();
      expect(artifacts).toEqual([expect.objectContaining({ name: 'digests-amd64', id: uploaded.id, size: uploaded.size, digest: `sha256:${uploaded.digest}` })]);
      expect(artifacts[0]?.createdAt).toBeInstanceOf(Date);
      const { artifact } = await client.getArtifact('digests-amd64');
      expect(artifact.id).toBe(uploaded.id);
      const { downloadPath, digestMismatch } = await client.downloadArtifact(uploaded.id, { path: dest, expectedHash: `sha256:${uploaded.digest}` });
      expect(downloadPath).toBe(dest);
      expect(digestMismatch).toBe(false);
    });
    for (const rel of ['digests/amd64.txt', 'digests/arm64.txt']) {
      expect(await readFile(path.join(dest, rel), 'utf8')).toBe(await readFile(path.join(src, rel), 'utf8'));
    }
  });

  it('uploads and downloads a single file unarchived (skipArchive)', async () => {
    const src = path.join(tmp, 'raw');
    const [file] = await makeFiles(src, { 'sbom.spdx.json': '{"spdxVersion":"SPDX-2.3"}' });
    const up = await upload(svc.envFor({ job: 'sbom' }), 'ignored', [file as string], src, { skipArchive: true });
    expect(svc.artifacts.find((a) => a.id === up.id)).toMatchObject({ name: 'sbom.spdx.json', contentType: 'application/json' });
    const dest = path.join(tmp, 'raw-dest');
    await withEnv(svc.envFor({ job: 'verify' }), () => new DefaultArtifactClient().downloadArtifact(up.id, { path: dest }));
    expect(await readFile(path.join(dest, 'sbom.spdx.json'), 'utf8')).toBe('{"spdxVersion":"SPDX-2.3"}');
  });

  it('commits a multi-block upload in block-list order (over 8 MiB: two staged blocks)', async () => {
    const src = path.join(tmp, 'big');
    await mkdir(src, { recursive: true });
    const data = randomBytes(9 * 1024 * 1024); // incompressible
    await writeFile(path.join(src, 'big.bin'), data);
    const up = await upload(svc.envFor({ job: 'big' }), 'big', [path.join(src, 'big.bin')], src);
    expect(svc.blobOps.filter((o) => o.id === up.id).map((o) => o.op)).toEqual(['block', 'block', 'blocklist']);
    const dest = path.join(tmp, 'big-dest');
    const res = await withEnv(svc.envFor({ job: 'big-reader' }), () => new DefaultArtifactClient().downloadArtifact(up.id, { path: dest, expectedHash: `sha256:${up.digest}` }));
    expect(res.digestMismatch).toBe(false);
    expect((await readFile(path.join(dest, 'big.bin'))).equals(data)).toBe(true);
  });

  it('refuses a second artifact with the same name in the run (409 already_exists)', async () => {
    const src = path.join(tmp, 'dup');
    const files = await makeFiles(src, { 'x.txt': 'x' });
    await upload(svc.envFor({ job: 'leg-a' }), 'dup', files, src);
    await expect(upload(svc.envFor({ job: 'leg-b' }), 'dup', files, src)).rejects.toThrow(
      /CreateArtifact.*\(409\) Conflict: an artifact with this name already exists on the workflow run/,
    );
    expect(svc.calls.at(-1)).toEqual({ method: 'CreateArtifact', status: 409 });
  });

  it('refuses the same name in a re-run attempt too (409); after deleting it by name, the re-run uploads and is the one listed', async () => {
    const src = path.join(tmp, 'rerun');
    const files = await makeFiles(src, { 'x.txt': 'attempt 2' });
    const env = svc.envFor({ job: 'leg-a', attempt: 2 });
    await expect(upload(env, 'dup', files, src)).rejects.toThrow(/CreateArtifact.*\(409\) Conflict: an artifact with this name already exists on the workflow run/);
    // What actions/upload-artifact's overwrite does: delete by name (the artifact of attempt 1's job), then upload.
    await withEnv(env, () => new DefaultArtifactClient().deleteArtifact('dup'));
    const second = await upload(env, 'dup', files, src);
    await withEnv(svc.envFor({ job: 'merge', attempt: 2 }), async () => {
      const client = new DefaultArtifactClient();
      expect((await client.listArtifacts()).artifacts.filter((a) => a.name === 'dup').map((a) => a.id)).toEqual([second.id]);
      expect((await client.getArtifact('dup')).artifact.id).toBe(second.id);
      const dest = path.join(tmp, 'rerun-dest');
      await client.downloadArtifact(second.id, { path: dest });
      expect(await readFile(path.join(dest, 'x.txt'), 'utf8')).toBe('attempt 2');
    });
  });

  it('deletes an artifact (then the name can be reused in the same attempt)', async () => {
    const src = path.join(tmp, 'del');
    const files = await makeFiles(src, { 'y.txt': 'y' });
    const env = svc.envFor({ job: 'del' });
    const up = await upload(env, 'to-delete', files, src);
    const del = await withEnv(env, () => new DefaultArtifactClient().deleteArtifact('to-delete'));
    expect(del.id).toBe(up.id);
    expect(svc.artifacts.some((a) => a.id === up.id)).toBe(false);
    await expect(withEnv(env, () => new DefaultArtifactClient().getArtifact('to-delete'))).rejects.toThrow(/Artifact not found for name: to-delete/);
    await upload(env, 'to-delete', files, src);
  });

  it('rejects unknown runtime tokens (401) and bad blob signatures (403)', async () => {
    const twirp = `${svc.url}/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts`;
    const r1 = await fetch(twirp, { method: 'POST', headers: { authorization: 'Bearer x.y.z', 'content-type': 'application/json' }, body: '{}' });
    expect(r1.status).toBe(401);
    expect(await r1.json()).toMatchObject({ code: 'unauthenticated' });
    const a = svc.artifacts.find((x) => x.finalized);
    const url = `${svc.url}/devstoreaccount1/actions-results/${svc.runBackendId}/workflow-job-run-${a?.jobBackendId}/artifacts/${a?.id}?sig=forged&se=2999-01-01T00:00:00Z&sp=r`;
    const r2 = await fetch(url);
    expect(r2.status).toBe(403);
    expect(r2.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    expect(await r2.text()).toContain('<Code>AuthenticationFailed</Code>');
  });
});
