import type { Exec } from '../exec.ts';
import type { Scratch } from '../scratch.ts';
import { ToolError } from '../exec.ts';
import { InputError } from '../errors.ts';
import { cosignEnv } from '../cosign/args.ts';
import { type Cosign, materialiseKey } from '../cosign/setup.ts';
import type { SignInputs } from './inputs.ts';
import type { SignerCheck } from './run.ts';
import { keylessIdentity, tokenClaims } from '../github/oidc.ts';
import { refusePublicLogs } from './public-logs.ts';
import { readGitHubContext } from '../github/context.ts';

export interface SignerDeps {
  exec: Exec;
  env: NodeJS.ProcessEnv;
  /** Where the key and the derived public key are written; removed when the step ends. */
  scratch: Scratch;
  getIdToken: (audience: string) => Promise<string>;
  setSecret: (value: string) => void;
}

const ID_TOKEN_FIX = 'add "permissions: id-token: write" to this job (and keep contents: read); for a pull request from a fork, sign in a later workflow instead';

/**
 * The signer: a GitHub OIDC token (keyless), or a key.
 * A key's public half is derived only when an existing signature has to be checked against it: that costs a
 * second decryption of the key (scrypt, ~0.35 s), and a fresh image has nothing to check.
 */
export async function prepareSigner(inputs: SignInputs, deps: SignerDeps): Promise<SignerCheck> {
  if (inputs.keyless) {
    if (!deps.env.ACTIONS_ID_TOKEN_REQUEST_URL || !deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new InputError('keyless', 'no GitHub OIDC token can be requested: the job lacks the id-token: write permission (ACTIONS_ID_TOKEN_REQUEST_URL is not set)', ID_TOKEN_FIX);
    }
    let token: string;
    try {
      token = await deps.getIdToken('sigstore');
    } catch (error) {
      throw new InputError('keyless', `the GitHub OIDC token request failed (${error instanceof Error ? error.message : String(error)})`, ID_TOKEN_FIX);
    }
    deps.setSecret(token);
    const claims = tokenClaims(token);
    const visibility = typeof claims.repository_visibility === 'string' ? claims.repository_visibility : readGitHubContext(deps.env).visibility;
    const refused = refusePublicLogs({ ...inputs, visibility, ...(typeof claims.repository === 'string' ? { repository: claims.repository } : {}) });
    if (refused) throw refused;
    const { identity, issuer } = keylessIdentity(claims, deps.env.GITHUB_SERVER_URL);
    return { kind: 'keyless', identity, issuer, token };
  }
  const key = await materialiseKey(inputs.key as string, deps.scratch, 'cosign.key');
  if (inputs.key?.includes('-----BEGIN')) deps.setSecret(inputs.key);
  if (inputs.keyPassword) deps.setSecret(inputs.keyPassword);
  const password = inputs.keyPassword ?? '';
  let derived: Promise<string> | undefined;
  const publicKey = (cosign: Cosign): Promise<string> => (derived ??= derivePublicKey(cosign, key, password, deps));
  return { kind: 'key', key, password, publicKey };
}

async function derivePublicKey(cosign: Cosign, key: string, password: string, deps: SignerDeps): Promise<string> {
  const { env, secrets } = cosignEnv({ keyPassword: password });
  let pub: string;
  try {
    pub = (await deps.exec(cosign.path, ['public-key', `--key=${key}`], { env: { ...deps.env, ...env }, secrets })).stdout;
  } catch (error) {
    if (error instanceof ToolError) throw new InputError('key', `cosign cannot read the key (${error.lastLine})`, 'give the PEM private key from cosign generate-key-pair (or a path / KMS URI) and its key-password', { cause: error });
    throw error;
  }
  return deps.scratch.write('cosign-derived.pub', pub);
}
