import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExec } from '../../src/exec.ts';
import { type DockerConfigFile, configKeyFor, dockerConfigPath, hostOfConfigKey, resolveDockerCredentials } from '../../src/registry/docker-config.ts';
import { RegistryError } from '../../src/registry/errors.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
let root: string;
let bin: string;
const exec = createExec({ log: () => undefined });

/**
 * Fake docker-credential-<name> helpers: answer from a JSON map server URL -> {Username, Secret}; record every
 * server URL they were asked about in <bin>/<name>.calls; say "not found" (exit 1) like the real ones otherwise.
 */
async function writeHelper(name: string, answers: Record<string, { Username: string; Secret: string }>): Promise<void> {
  const answersFile = path.join(bin, `${name}.json`);
  await writeFile(answersFile, JSON.stringify(answers));
  const script = `#!/bin/sh
[ "$1" = get ] || { echo "unsupported: $1" >&2; exit 2; }
url=$(cat)
printf '%s\\n' "$url" >> "${bin}/${name}.calls"
exec "${process.execPath}" -e '
  const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]];
  if (!a) { console.log("credentials not found in native keychain"); process.exit(1); }
  console.log(JSON.stringify({ ServerURL: process.argv[2], ...a }));
' "${answersFile}" "$url"
`;
  const file = path.join(bin, `docker-credential-${name}`);
  await writeFile(file, script);
  await chmod(file, 0o755);
}

async function configDir(config: DockerConfigFile | string): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'cfg-'));
  await writeFile(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

const envFor = (dockerConfig: string) => ({ DOCKER_CONFIG: dockerConfig, PATH: `${bin}:${process.env.PATH ?? ''}` });

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'moam-docker-config-'));
  bin = path.join(root, 'bin');
  await mkdir(bin);
  await writeHelper('fake', {
    'localhost:5443': { Username: 'helper-user', Secret: 'helper-pass' },
    'https://index.docker.io/v1/': { Username: 'hub-user', Secret: 'hub-pass' },
    'ghcr.io': { Username: '<token>', Secret: 'refresh-token' },
  });
  await writeHelper('store', { 'registry.example.com': { Username: 'store-user', Secret: 'store-pass' } });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('docker config location', () => {
  it.each<[NodeJS.ProcessEnv, string | undefined]>([
    [{ DOCKER_CONFIG: '/x/docker', HOME: '/home/u' }, '/x/docker/config.json'],
    [{ HOME: '/home/u' }, '/home/u/.docker/config.json'],
    [{}, undefined],
  ])('%j -> %s', (env, expected) => {
    expect(dockerConfigPath(env)).toBe(expected);
  });

  it.each([
    ['docker.io', 'https://index.docker.io/v1/'],
    ['index.docker.io', 'https://index.docker.io/v1/'],
    ['registry-1.docker.io', 'https://index.docker.io/v1/'],
    ['ghcr.io', 'ghcr.io'],
    ['localhost:5443', 'localhost:5443'],
  ])('config key for %s is %s', (registry, key) => {
    expect(configKeyFor(registry)).toBe(key);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['http://localhost:5000', 'localhost:5000'],
    ['https://ghcr.io/v2/', 'ghcr.io'],
    ['ghcr.io', 'ghcr.io'],
  ])('host of key %s is %s', (key, host) => {
    expect(hostOfConfigKey(key)).toBe(host);
  });
});

describe('resolveDockerCredentials', () => {
  it.each<[string, DockerConfigFile, string, Record<string, string> | undefined]>([
    ['auths[].auth (base64 user:pass)', { auths: { 'localhost:5443': { auth: b64('alice:s3cret') } } }, 'localhost:5443', { username: 'alice', password: 's3cret' }],
    ['a password containing colons', { auths: { 'r.example': { auth: b64('bob:a:b:c') } } }, 'r.example', { username: 'bob', password: 'a:b:c' }],
    ['username/password fields', { auths: { 'r.example': { username: 'carol', password: 'pw' } } }, 'r.example', { username: 'carol', password: 'pw' }],
    ['identitytoken', { auths: { 'r.example': { auth: b64('dave:'), identitytoken: 'idt' } } }, 'r.example', { username: 'dave', identityToken: 'idt' }],
    ['registrytoken', { auths: { 'r.example': { registrytoken: 'rt' } } }, 'r.example', { registryToken: 'rt' }],
    ['key written with a scheme', { auths: { 'https://r.example': { auth: b64('erin:pw') } } }, 'r.example', { username: 'erin', password: 'pw' }],
    ['key written with a scheme and path', { auths: { 'http://localhost:5000/v1/': { auth: b64('frank:pw') } } }, 'localhost:5000', { username: 'frank', password: 'pw' }],
    ['docker.io under the hub quirk key', { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }, 'docker.io', { username: 'hub', password: 'pw' }],
    ['docker.io written plainly', { auths: { 'docker.io': { auth: b64('hub2:pw') } } }, 'docker.io', { username: 'hub2', password: 'pw' }],
    ['index.docker.io as the registry', { auths: { 'https://index.docker.io/v1/': { auth: b64('hub3:pw') } } }, 'index.docker.io', { username: 'hub3', password: 'pw' }],
    ['another registry is not a match', { auths: { 'other.example': { auth: b64('x:y') } } }, 'r.example', undefined],
    ['port matters', { auths: { 'localhost:5000': { auth: b64('x:y') } } }, 'localhost:5443', undefined],
    ['an empty entry (placeholder) is no credentials', { auths: { 'r.example': {} } }, 'r.example', undefined],
    ['no auths at all', {}, 'r.example', undefined],
    ['credHelpers[host] via docker-credential-<helper> get', { credHelpers: { 'localhost:5443': 'fake' }, auths: { 'localhost:5443': { auth: b64('stale:stale') } } }, 'localhost:5443', { username: 'helper-user', password: 'helper-pass' }],
    ['credHelpers for docker.io gets the hub URL on stdin', { credHelpers: { 'https://index.docker.io/v1/': 'fake' } }, 'docker.io', { username: 'hub-user', password: 'hub-pass' }],
    ['a helper answering <token> gives an identity token', { credHelpers: { 'ghcr.io': 'fake' } }, 'ghcr.io', { identityToken: 'refresh-token' }],
    ['a helper without an answer means no credentials', { credHelpers: { 'nothing.example': 'fake' } }, 'nothing.example', undefined],
    ['credsStore for everything', { credsStore: 'store', auths: { 'registry.example.com': {} } }, 'registry.example.com', { username: 'store-user', password: 'store-pass' }],
    ['credsStore without an answer falls back to auths', { credsStore: 'store', auths: { 'r.example': { auth: b64('grace:pw') } } }, 'r.example', { username: 'grace', password: 'pw' }],
    ['credHelpers wins over credsStore', { credsStore: 'store', credHelpers: { 'localhost:5443': 'fake' } }, 'localhost:5443', { username: 'helper-user', password: 'helper-pass' }],
  ])('%s', async (_name, config, registry, expected) => {
    const resolved = await resolveDockerCredentials(registry, { env: envFor(await configDir(config)), exec });
    if (expected === undefined) expect(resolved.credentials).toBeUndefined();
    else {
      const { source: _source, ...creds } = resolved.credentials ?? { source: '' };
      expect(creds).toEqual(expected);
    }
  });

  it('passes the server URL on stdin: the hub quirk key for docker.io, host[:port] otherwise', async () => {
    await rm(path.join(bin, 'fake.calls'), { force: true });
    const dir = await configDir({ credHelpers: { 'https://index.docker.io/v1/': 'fake', 'localhost:5443': 'fake' } });
    await resolveDockerCredentials('docker.io', { env: envFor(dir), exec });
    await resolveDockerCredentials('localhost:5443', { env: envFor(dir), exec });
    expect((await readFile(path.join(bin, 'fake.calls'), 'utf8')).split('\n')).toEqual(['https://index.docker.io/v1/', 'localhost:5443', '']);
  });

  it('reads $HOME/.docker/config.json when DOCKER_CONFIG is unset, and names the source without the secret', async () => {
    const home = await mkdtemp(path.join(root, 'home-'));
    await mkdir(path.join(home, '.docker'));
    await writeFile(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'localhost:5443': { auth: b64('henry:topsecret') } } }));
    const r = await resolveDockerCredentials('localhost:5443', { env: { HOME: home }, exec });
    expect(r.credentials).toMatchObject({ username: 'henry', password: 'topsecret', source: `${home}/.docker/config.json auths[localhost:5443]` });
    expect(r.configPath).toBe(`${home}/.docker/config.json`);
  });

  it('a missing config file means no credentials, and says where it looked', async () => {
    const r = await resolveDockerCredentials('r.example', { env: { DOCKER_CONFIG: path.join(root, 'nope') }, exec });
    expect(r).toEqual({ configPath: path.join(root, 'nope', 'config.json') });
  });

  it('a broken config file is an error naming the file', async () => {
    const dir = await configDir('{ "auths": ');
    await expect(resolveDockerCredentials('r.example', { env: envFor(dir), exec })).rejects.toThrow(new RegExp(`${dir}/config.json is not valid JSON`));
  });

  it('a credHelpers helper that is not installed is an error naming it', async () => {
    const dir = await configDir({ credHelpers: { 'r.example': 'not-installed' } });
    const r = resolveDockerCredentials('r.example', { env: envFor(dir), exec });
    await expect(r).rejects.toBeInstanceOf(RegistryError);
    await expect(r).rejects.toThrow(/docker-credential-not-installed.*not found on PATH/);
  });

  it('a credsStore that is not installed falls back to auths, with a log line', async () => {
    const dir = await configDir({ credsStore: 'desktop', auths: { 'r.example': { auth: b64('ivy:pw') } } });
    const log: string[] = [];
    const r = await resolveDockerCredentials('r.example', { env: envFor(dir), exec, log: (l) => log.push(l) });
    expect(r.credentials).toMatchObject({ username: 'ivy', password: 'pw' });
    expect(log.join('\n')).toMatch(/credsStore "desktop".*failed/);
  });
});
