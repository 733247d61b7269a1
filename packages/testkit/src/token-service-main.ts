// Runs the token service (token-service.ts) as a long-lived daemon for the test bed
// (scripts/testbed/token-registry.sh starts it as `node --import tsx token-service-main.ts --config FILE`).
// Test support only: never bundled.
//
// The config is JSON (the test bed writes it, mode 0600 since it holds the passwords):
//   { "listen": {"host": "127.0.0.1", "port": 5447}, "realm": "https://auth.moam.test:5447/token",
//     "service": "registry.moam.test", "issuer": "...", "expiresInSeconds": 300,
//     "tls": {"certFile": "...", "keyFile": "..."},                       (optional: plain HTTP without it)
//     "signing": {"keyFile": "...", "certFile": "...", "header": "kid"},  (header: kid | x5c)
//     "anonymous": [{"names": "public/**", "actions": ["pull"]}],
//     "users": [{"name": "...", "password": "...", "grants": [{"names": "moam/**", "actions": ["pull", "push"]}], "refreshTokens": false}] }
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { GrantRule } from './token-scopes.ts';
import { type TokenServiceOptions, type TokenUser, startTokenService } from './token-service.ts';

interface MainConfig {
  listen?: { host?: string; port?: number };
  realm?: string;
  service: string;
  issuer?: string;
  expiresInSeconds?: number;
  tls?: { certFile: string; keyFile: string };
  signing: { keyFile: string; certFile?: string; header?: 'kid' | 'x5c' };
  anonymous?: GrantRule[];
  users?: TokenUser[];
}

function fail(message: string): never {
  process.stderr.write(`token-service: ${message}\n`);
  process.exit(2);
}

function readConfig(file: string): MainConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  const c = json as Partial<MainConfig> | null;
  if (!c || typeof c !== 'object') fail(`${file}: not a JSON object`);
  if (typeof c.service !== 'string' || c.service === '') fail(`${file}: "service" (the registry's auth.token.service) is required`);
  if (!c.signing || typeof c.signing.keyFile !== 'string') fail(`${file}: "signing.keyFile" is required`);
  const rules = (list: unknown, where: string) => {
    if (list === undefined) return;
    if (!Array.isArray(list) || !list.every((r: Partial<GrantRule>) => typeof r?.names === 'string' && Array.isArray(r.actions))) fail(`${file}: ${where} must be a list of {names, actions}`);
  };
  rules(c.anonymous, 'anonymous');
  for (const u of c.users ?? []) {
    if (typeof u?.name !== 'string' || typeof u.password !== 'string' || u.password === '') fail(`${file}: every user needs a name and a non-empty password`);
    rules(u.grants, `the grants of user ${u.name}`);
  }
  return c as MainConfig;
}

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) fail('usage: token-service-main.ts --config FILE');
const config = readConfig(values.config);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const read = (f: string) => {
  try {
    return readFileSync(f, 'utf8');
  } catch (e) {
    return fail(`cannot read ${f}: ${(e as Error).message}`);
  }
};

const options: TokenServiceOptions = {
  service: config.service,
  ...(config.issuer ? { issuer: config.issuer } : {}),
  ...(config.realm ? { realm: config.realm } : {}),
  ...(config.expiresInSeconds ? { expiresInSeconds: config.expiresInSeconds } : {}),
  host: config.listen?.host ?? '127.0.0.1',
  port: config.listen?.port ?? 0,
  ...(config.tls ? { tls: { cert: read(config.tls.certFile), key: read(config.tls.keyFile) } } : {}),
  signingKey: {
    privateKeyPem: read(config.signing.keyFile),
    ...(config.signing.certFile ? { certificatePem: read(config.signing.certFile) } : {}),
    header: config.signing.header ?? 'kid',
  },
  anonymous: config.anonymous ?? [],
  users: (config.users ?? []).map((u) => ({ name: u.name, password: u.password, grants: u.grants ?? [], refreshTokens: u.refreshTokens === true })),
  log,
};

const service = await startTokenService(options).catch((e: unknown) => fail(`cannot start: ${(e as Error).message}`));
log(
  `listening on ${service.url} (realm ${service.realm}, service ${service.service}, issuer ${service.issuer}, ${service.signer.alg} ${service.signer.header === 'kid' ? `kid ${service.signer.kid}` : 'x5c'}); users: ${(config.users ?? []).map((u) => u.name).join(', ') || '(none)'}`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  service.close().then(
    () => process.exit(0),
    () => process.exit(0),
  );
  // Keep-alive clients must not hold the exit up.
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
