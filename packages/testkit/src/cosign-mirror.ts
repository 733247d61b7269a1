import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local release mirror serving the test bed's cosign the way GitHub releases lay it out. */
export async function startCosignMirror(cosignPath: string, version = '2.5.0'): Promise<{ url: string; sha256: string; version: string; requests: string[]; close(): Promise<void> }> {
  const binary = await readFile(cosignPath);
  const sha256 = createHash('sha256').update(binary).digest('hex');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/v${version}/cosign-linux-amd64`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': binary.length });
      res.end(binary);
    } else if (req.url === `/v${version}/cosign_checksums.txt`) {
      res.end(`${sha256}  cosign-linux-amd64\n`);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, sha256, version, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
