import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Exec, ToolError } from '../exec.ts';
import { RegistryError } from './errors.ts';

/** Docker Hub's credentials live under this key (what `docker login` with no server writes). */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** OAuth2 refresh token (`identitytoken`; a helper's Secret when Username is "<token>"). */
  readonly identityToken?: string;
  /** Bearer token sent to the registry as is (`registrytoken`). */
  readonly registryToken?: string;
  /** Where they came from, for messages: "<config.json> auths[localhost:5443]" or "docker-credential-pass". Never the secret. */
  readonly source: string;
}

/** The parts of config.json we read. */
export interface DockerConfigFile {
  readonly auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string; email?: string }>;
  readonly credHelpers?: Record<string, string>;
  readonly credsStore?: string;
}

export interface DockerConfigDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly exec: Exec;
  readonly log?: (line: string) => void;
}

/** $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json; undefined without either variable. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  if (env.HOME) return path.join(env.HOME, '.docker', 'config.json');
  return undefined;
}

/** The registry's canonical name for credential lookups: index.docker.io / registry-1.docker.io are docker.io. */
export function canonicalRegistry(registry: string): string {
  const r = registry.toLowerCase();
  return r === 'index.docker.io' || r === 'registry-1.docker.io' ? 'docker.io' : r;
}

/** The config key docker writes for a registry: the hub quirk, else host[:port]. */
export function configKeyFor(registry: string): string {
  return canonicalRegistry(registry) === 'docker.io' ? DOCKER_HUB_CONFIG_KEY : registry;
}

/** host[:port] of a config key, the way docker normalises them: "https://host:5000/v1/" -> "host:5000". */
export function hostOfConfigKey(key: string): string {
  const rest = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return canonicalRegistry(rest.split('/')[0] ?? rest);
}

/** Looks up a map keyed by registry: exact key first, then any key that normalises to the same host. */
function lookup<T>(map: Record<string, T> | undefined, registry: string): [string, T] | undefined {
  if (!map) return undefined;
  const want = canonicalRegistry(registry);
  for (const key of [configKeyFor(registry), registry]) {
    const v = map[key];
    if (v !== undefined) return [key, v];
  }
  for (const [key, v] of Object.entries(map)) if (hostOfConfigKey(key) === want) return [key, v];
  return undefined;
}

export async function readDockerConfig(file: string, registry: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new RegistryError({ registry, operation: 'read credentials', detail: `cannot read ${file}: ${(e as Error).message}` });
  }
  if (text.trim() === '') return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as DockerConfigFile;
  } catch (e) {
    throw new RegistryError({
      registry,
      operation: 'read credentials',
      detail: `${file} is not valid JSON: ${(e as Error).message}`,
      fix: `repair or remove ${file}, then run docker login again`,
    });
  }
}

/** Credentials from an `auths` entry; undefined for an empty entry (e.g. only an email, or a placeholder next to credsStore). */
export function credentialsFromAuthEntry(entry: NonNullable<DockerConfigFile['auths']>[string], source: string): RegistryCredentials | undefined {
  let username = entry.username || undefined;
  let password = entry.password || undefined;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identityToken = entry.identitytoken || undefined;
  const registryToken = entry.registrytoken || undefined;
  if (!username && !password && !identityToken && !registryToken) return undefined;
  return {
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(identityToken ? { identityToken } : {}),
    ...(registryToken ? { registryToken } : {}),
    source,
  };
}

/** `docker-credential-<helper> get` with the server URL on stdin. undefined when the helper has nothing for it. */
export async function credentialsFromHelper(helper: string, serverUrl: string, deps: DockerConfigDeps, registry: string): Promise<RegistryCredentials | undefined> {
  const tool = `docker-credential-${helper}`;
  let stdout: string;
  try {
    ({ stdout } = await deps.exec(tool, ['get'], { input: serverUrl, env: deps.env }));
  } catch (e) {
    const text = e instanceof ToolError ? `${e.stdout}\n${e.stderr}\n${e.lastLine}` : String(e);
    if (/credentials not found|not found in (native )?keychain|no credentials/i.test(text)) return undefined;
    throw new RegistryError({
      registry,
      operation: `read credentials with ${tool}`,
      detail: e instanceof Error ? e.message : String(e),
      fix: `make ${tool} work on this machine (it must be on PATH), or remove the helper from the docker config and log in again`,
      cause: e,
    });
  }
  let json: { Username?: unknown; Secret?: unknown };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch {
    throw new RegistryError({ registry, operation: `read credentials with ${tool}`, detail: 'the helper did not print JSON' });
  }
  const user = typeof json.Username === 'string' ? json.Username : '';
  const secret = typeof json.Secret === 'string' ? json.Secret : '';
  if (!secret) return undefined;
  if (user === '<token>') return { identityToken: secret, source: tool };
  return { ...(user ? { username: user } : {}), password: secret, source: tool };
}

export interface ResolvedCredentials {
  readonly credentials?: RegistryCredentials;
  /** The config file consulted (may not exist), for "log in" messages. */
  readonly configPath?: string;
}

/**
 * Docker's lookup order: credHelpers[registry] → credsStore → auths[registry]. A failing credsStore falls back to
 * auths (with a log line) so a stray "desktop" store on a CI runner does not hide what docker/login-action wrote.
 */
export async function resolveDockerCredentials(registry: string, deps: DockerConfigDeps): Promise<ResolvedCredentials> {
  const configPath = dockerConfigPath(deps.env);
  if (!configPath) return {};
  const config = await readDockerConfig(configPath, registry);
  if (!config) return { configPath };
  const serverUrl = configKeyFor(registry);
  const helper = lookup(config.credHelpers, registry);
  if (helper && helper[1]) {
    const credentials = await credentialsFromHelper(helper[1], serverUrl, deps, registry);
    return credentials ? { credentials, configPath } : { configPath };
  }
  if (config.credsStore) {
    try {
      const credentials = await credentialsFromHelper(config.credsStore, serverUrl, deps, registry);
      if (credentials) return { credentials, configPath };
    } catch (e) {
      deps.log?.(`credsStore "${config.credsStore}" in ${configPath} failed (${(e as Error).message}); trying its auths entries`);
    }
  }
  const entry = lookup(config.auths, registry);
  if (entry) {
    const credentials = credentialsFromAuthEntry(entry[1], `${configPath} auths[${entry[0]}]`);
    if (credentials) return { credentials, configPath };
  }
  return { configPath };
}
