import { cp, mkdir, readdir, readFile, writeFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface StoredFile {
  name: string;
  content: string;
}

/** Where build legs leave their digest records and the merge job finds them. */
export interface HandoffStore {
  /** One line for the log: which store, and why it was chosen. */
  readonly description: string;
  put(artifact: string, file: StoredFile): Promise<void>;
  /** Hands over every file under dir (relative paths kept), as one artifact. */
  putDirectory(artifact: string, dir: string): Promise<void>;
  /** Names of the artifacts starting with prefix + '-'. */
  list(prefix: string): Promise<string[]>;
  get(artifact: string): Promise<StoredFile[]>;
}

/** Outside GitHub Actions: a directory, one sub-directory per artifact. */
export function localStore(dir: string, why: string): HandoffStore {
  return {
    description: `local directory ${dir} (${why}; set MOAM_HANDOFF_DIR to choose another)`,
    async put(artifact, file) {
      const d = path.join(dir, artifact);
      await mkdir(d, { recursive: true });
      await writeFile(path.join(d, file.name), file.content);
    },
    async putDirectory(artifact, from) {
      const d = path.join(dir, artifact);
      await rm(d, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await cp(from, d, { recursive: true });
    },
    async list(prefix) {
      if (!existsSync(dir)) return [];
      const names: string[] = [];
      for (const name of await readdir(dir)) {
        if (!name.startsWith(`${prefix}-`)) continue;
        // A symbolic link to an artifact directory (a shared or copied hand-off) is followed. Anything else under an
        // artifact's name is refused by name: skipping it would report its platform as "missing", naming nothing.
        const found = await stat(path.join(dir, name)).catch(() => undefined);
        if (!found) throw new Error(`hand-off directory ${dir}: ${name} is a broken symbolic link. Fix: point it at the artifact directory, or remove it`);
        if (!found.isDirectory()) throw new Error(`hand-off directory ${dir}: ${name} is not a directory (an artifact is a directory of record files). Fix: remove it, or put the record file into a directory of that name`);
        names.push(name);
      }
      return names.sort();
    },
    async get(artifact) {
      const d = path.join(dir, artifact);
      const names = (await readdir(d)).sort();
      return Promise.all(names.map(async (name) => ({ name, content: await readFile(path.join(d, name), 'utf8') })));
    },
  };
}

interface ArtifactModule {
  DefaultArtifactClient: new () => {
    uploadArtifact(name: string, files: string[], root: string, opts?: { retentionDays?: number }): Promise<{ id?: number }>;
    deleteArtifact(name: string): Promise<{ id: number }>;
    listArtifacts(opts?: { latest?: boolean }): Promise<{ artifacts: Array<{ name: string; id: number }> }>;
    downloadArtifact(id: number, opts?: { path?: string }): Promise<{ downloadPath?: string }>;
  };
}

/** On GitHub: the real @actions/artifact client, loaded only when used (it costs ~200 ms of start-up). */
export function githubArtifactStore(opts: { tmpDir: string; retentionDays?: number; load?: () => Promise<ArtifactModule> }): HandoffStore {
  const load = opts.load ?? (() => import('@actions/artifact') as unknown as Promise<ArtifactModule>);
  const client = async () => new (await load()).DefaultArtifactClient();
  // An artifact name is taken for the whole run, earlier attempts included (the service answers 409): a re-run
  // replaces what its earlier attempt uploaded, as upload-artifact's overwrite does. Names are unique per leg and
  // per call of the workflow, so this never removes another leg's record.
  const replace = async (artifact: string, files: string[], root: string): Promise<void> => {
    const c = await client();
    await c.deleteArtifact(artifact).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ArtifactNotFoundError')) throw error;
    });
    await c.uploadArtifact(artifact, files, root, opts.retentionDays ? { retentionDays: opts.retentionDays } : {});
  };
  return {
    description: 'GitHub Actions artifacts (this run)',
    async put(artifact, file) {
      const dir = await mkdtemp(path.join(opts.tmpDir, 'moam-upload-'));
      try {
        await writeFile(path.join(dir, file.name), file.content);
        await replace(artifact, [path.join(dir, file.name)], dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async putDirectory(artifact, from) {
      const files = (await readdir(from, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
      await replace(artifact, files, from);
    },
    async list(prefix) {
      const { artifacts } = await (await client()).listArtifacts({ latest: true });
      return artifacts.filter((a) => a.name.startsWith(`${prefix}-`)).map((a) => a.name).sort();
    },
    async get(artifact) {
      const c = await client();
      const { artifacts } = await c.listArtifacts({ latest: true });
      const found = artifacts.find((a) => a.name === artifact);
      if (!found) throw new Error(`artifact ${artifact} not found in this run`);
      const dir = await mkdtemp(path.join(opts.tmpDir, 'moam-download-'));
      try {
        await c.downloadArtifact(found.id, { path: dir });
        const names = (await readdir(dir)).sort();
        return await Promise.all(names.map(async (name) => ({ name, content: await readFile(path.join(dir, name), 'utf8') })));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** GitHub's artifact service when the runtime token is there; otherwise a local directory, said plainly. */
export function chooseHandoffStore(env: NodeJS.ProcessEnv): HandoffStore {
  const tmpDir = env.RUNNER_TEMP || os.tmpdir();
  if (env.MOAM_HANDOFF_DIR) return localStore(env.MOAM_HANDOFF_DIR, 'MOAM_HANDOFF_DIR is set');
  if (env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL) return githubArtifactStore({ tmpDir, retentionDays: 1 });
  return localStore(path.join(tmpDir, 'moam-handoff'), 'not running in GitHub Actions: ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL not set');
}
