// The digest hand-off in memory: artifacts by name, each a list of files (what localStore and the GitHub artifact
// store both provide).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { HandoffStore, StoredFile } from '../../src/handoff/store.ts';

export function memoryStore(artifacts = new Map<string, StoredFile[]>()): HandoffStore & { artifacts: Map<string, StoredFile[]> } {
  return {
    description: 'memory (unit test)',
    artifacts,
    async put(artifact, file) {
      artifacts.set(artifact, [...(artifacts.get(artifact) ?? []).filter((f) => f.name !== file.name), file]);
    },
    async putDirectory(artifact, dir) {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
      artifacts.set(artifact, await Promise.all(files.map(async (f) => ({ name: path.relative(dir, f), content: await readFile(f, 'utf8') }))));
    },
    async list(prefix) {
      return [...artifacts.keys()].filter((n) => n.startsWith(`${prefix}-`)).sort();
    },
    async get(artifact) {
      const files = artifacts.get(artifact);
      if (!files) throw new Error(`artifact ${artifact} not found`);
      return files;
    },
  };
}
