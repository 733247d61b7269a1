// Reusable workflows: inputs (types, defaults, required), secrets (mapping and inherit), outputs from
// jobs.<id>.outputs, permissions (the caller's are the ceiling; OIDC env only with id-token: write) and the
// claims of each job's OIDC token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/http-util.ts';
import { startOidcService, verifyJwt, type OidcService } from '../../src/oidc-service.ts';
import { WorkflowError } from '../../src/workflow/index.ts';
import { REPO, runYaml, SHA } from './helpers.ts';

let oidc: OidcService;
beforeAll(async () => {
  oidc = await startOidcService();
});
afterAll(() => oidc?.close());

const CALLED = `
name: called
on:
  workflow_call:
    inputs:
      who:
        type: string
        required: true
      loud:
        type: boolean
        default: false
      count:
        type: number
        default: 2
      extra:
        type: string
        required: false
    secrets:
      token:
        required: true
      optional:
        required: false
    outputs:
      greeting:
        value: \${{ jobs.hello.outputs.greeting }}
      signer:
        value: \${{ jobs.sign.outputs.sub }}
permissions: {}
jobs:
  hello:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    outputs:
      greeting: \${{ steps.g.outputs.greeting }}
    steps:
      - id: g
        env:
          TOKEN: \${{ secrets.token }}
        run: |
          echo "greeting=hello \${{ inputs.who }} loud=\${{ inputs.loud }} count=\${{ inputs.count }} extra=[\${{ inputs.extra }}] optional=[\${{ secrets.optional }}] token-length=\${#TOKEN}" >> "$GITHUB_OUTPUT"
          test -z "\${ACTIONS_ID_TOKEN_REQUEST_URL:-}" && test -z "\${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" && echo "no oidc env"
  sign:
    needs: hello
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    outputs:
      sub: \${{ steps.t.outputs.sub }}
    steps:
      - id: t
        run: |
          token=$(curl -sf -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).value))')
          echo "token=$token" >> "$GITHUB_OUTPUT"
          echo "sub=$(node -e 'console.log(JSON.parse(Buffer.from(process.argv[1].split(".")[1],"base64url")).job_workflow_ref)' "$token")" >> "$GITHUB_OUTPUT"
`;

const caller = (job: string) => `
name: release
on:
  push:
    tags: ['[0-9]+.[0-9]+.[0-9]+']
permissions: {}
jobs:
${job}
  after:
    needs: release
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.release.outputs.greeting }}"
`;

const CALL = `  release:
    permissions:
      contents: read
      id-token: write
    uses: ./.github/workflows/called.yml
    with:
      who: \${{ github.ref_name }}
      loud: \${{ github.event_name == 'push' }}
    secrets:
      token: \${{ secrets.TOKEN }}`;

describe('workflow_call', { timeout: 30_000 }, () => {
  it('passes inputs (typed, defaults), secrets, maps outputs, and mints per-job OIDC claims', async () => {
    const r = await runYaml(caller(CALL), { files: { '.github/workflows/called.yml': CALLED }, secrets: { TOKEN: 'abcdef' }, services: { oidc } });
    expect(r.ok, r.failure).toBe(true);
    expect(r.workflowOutputs.release?.greeting).toBe('hello 1.2.3 loud=true count=2 extra=[] optional=[] token-length=6');
    expect(r.jobs.after?.steps[0]?.logTail).toBe('hello 1.2.3 loud=true count=2 extra=[] optional=[] token-length=6\n');
    // Only the job with id-token: write has the OIDC env.
    expect(r.jobs['release/hello']?.steps[0]?.logTail).toBe('no oidc env\n');
    expect(r.jobs['release/hello']?.permissions).toEqual({ contents: 'read' });
    expect(r.jobs['release/sign']?.permissions).toEqual({ 'id-token': 'write' });
    expect(r.oidcRequests).toEqual([{ job: 'release/sign', audience: 'sigstore', status: 200 }]);
    const token = r.jobs['release/sign']?.steps[0]?.outputs.token as string;
    expect(verifyJwt(token, { jwks: oidc.jwks })).toBeTruthy();
    expect(decodeJwt(token).payload).toMatchObject({
      aud: 'sigstore',
      repository: REPO,
      ref: 'refs/tags/1.2.3',
      sha: SHA,
      workflow: 'release',
      workflow_ref: `${REPO}/.github/workflows/w.yml@refs/tags/1.2.3`,
      workflow_sha: SHA,
      job_workflow_ref: `${REPO}/.github/workflows/called.yml@refs/tags/1.2.3`,
      job_workflow_sha: SHA,
      event_name: 'push',
      run_attempt: '1',
      sub: `repo:${REPO}:ref:refs/tags/1.2.3`,
    });
    expect(r.workflowOutputs.release?.signer).toBe(`${REPO}/.github/workflows/called.yml@refs/tags/1.2.3`);
  });

  it('secrets: inherit passes every secret', async () => {
    const call = CALL.replace(/ {4}secrets:\n.*$/s, '    secrets: inherit');
    const r = await runYaml(caller(call), { files: { '.github/workflows/called.yml': CALLED.replace('secrets.token', 'secrets.TOKEN') }, secrets: { TOKEN: 'abcdefgh', token: 'xyz' }, services: { oidc } });
    expect(r.ok, r.failure).toBe(true);
    expect(r.workflowOutputs.release?.greeting).toMatch(/token-length=8$/);
  });

  it('refuses a missing required input or an undeclared one, and fails the call on a wrongly typed one', async () => {
    // GitHub's parser already knows the called workflow's inputs: these fail before anything runs.
    await expect(runYaml(caller(CALL.replace(/ {6}who: .*\n/, '')), { files: { '.github/workflows/called.yml': CALLED } })).rejects.toThrow(/Input who is required, but not provided while calling/);
    await expect(runYaml(caller(CALL.replace('who:', 'whom:')), { files: { '.github/workflows/called.yml': CALLED } })).rejects.toThrow(/Invalid input, whom is not defined in the referenced workflow/);
    // A value is typed at run time, as GitHub does.
    const wrongType = await runYaml(caller(CALL.replace("${{ github.event_name == 'push' }}", "'yes'")), { files: { '.github/workflows/called.yml': CALLED }, secrets: { TOKEN: 'abcdef' }, services: { oidc } });
    expect(wrongType.failure).toBe('.github/workflows/w.yml: job "release": with.loud: expected a boolean, got "yes"');
    expect(wrongType.jobs.after?.status).toBe('skipped');
  });

  it('refuses, before running anything, a called job that asks for more than the caller grants', async () => {
    const call = CALL.replace('      id-token: write\n', '');
    await expect(runYaml(caller(call), { files: { '.github/workflows/called.yml': CALLED }, secrets: { TOKEN: 'abcdef' } })).rejects.toThrow(
      ".github/workflows/w.yml, job \"release\": Error calling workflow '.github/workflows/called.yml'. The nested job 'sign' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
    );
  });

  it('without id-token: write a job gets no OIDC env even when the test process has one', async () => {
    const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = 'http://leaked.invalid/';
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'leaked';
    try {
      const r = await runYaml(
        `
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: env | grep -c '^ACTIONS_ID_TOKEN' || true
  b:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - run: env | grep -c '^ACTIONS_ID_TOKEN' || true
`,
        { services: { oidc } },
      );
      expect(r.jobs.a?.steps[0]?.logTail).toBe('0\n');
      expect(r.jobs.b?.steps[0]?.logTail).toBe('2\n');
      const noService = await runYaml('on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: true\n');
      expect(noService.failure).toMatch(/job "b": the job has id-token: write, but runWorkflow got no services\.oidc/);
    } finally {
      for (const [k, v] of [['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url], ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('is a WorkflowError', () => {
    expect(new WorkflowError('x', { file: 'f', job: 'j', step: '"s"' }).message).toBe('f, job "j", step "s": x');
  });
});
