import { describe, expect, it } from 'vitest';
import { createExec, lastErrorLine, renderCommand, ToolError } from '../src/exec.ts';

const lines: string[] = [];
const exec = createExec({ log: (l) => lines.push(l) });
const node = process.execPath;

describe('exec seam', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const r = await exec(node, ['-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '$(touch /tmp/pwned)', '; rm -rf /', '`id`']);
    expect(JSON.parse(r.stdout)).toEqual(['$(touch /tmp/pwned)', '; rm -rf /', '`id`']);
  });

  it('fails on any non-zero exit and quotes the last error line', async () => {
    const run = exec(node, ['-e', 'console.error("step 1 ok"); console.error("ERROR: failed to push: 401 Unauthorized"); console.error("  "); process.exit(3)']);
    await expect(run).rejects.toBeInstanceOf(ToolError);
    await expect(run).rejects.toMatchObject({ exitCode: 3, lastLine: 'ERROR: failed to push: 401 Unauthorized' });
  });

  it('names a missing tool', async () => {
    await expect(exec('definitely-not-a-tool-moam', [])).rejects.toThrow(/not found on PATH/);
  });

  it('masks secrets in the logged command line and in errors', async () => {
    lines.length = 0;
    const run = exec(node, ['-e', 'console.error("error: bad token s3cr3t-value"); process.exit(1)', 's3cr3t-value'], { secrets: ['s3cr3t-value'] });
    await expect(run).rejects.toThrow('error: bad token ***');
    expect(lines.join('\n')).not.toContain('s3cr3t-value');
  });

  it('kills a tool that runs past its timeout, with its child processes, and says so', async () => {
    const run = exec(node, ['-e', 'require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "inherit" }); console.error("pushing..."); setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    await expect(run).rejects.toThrow(/timed out after 0 s without finishing \(last output: pushing\.\.\.\)/);
  });

  it('passes the runner\'s SIGTERM (cancellation) on to a timed tool\'s process group, and stops listening after', async () => {
    const before = process.listeners('SIGTERM');
    const run = exec(node, ['-e', 'console.error("signing..."); setTimeout(() => {}, 60000)'], { timeoutMs: 60_000 });
    const added = process.listeners('SIGTERM').filter((l) => !before.includes(l));
    expect(added).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    (added[0] as (s: NodeJS.Signals) => void)('SIGTERM');
    await expect(run).rejects.toThrow(/killed by SIGTERM/);
    expect(process.listeners('SIGTERM')).toEqual(before);
  });

  it('feeds stdin', async () => {
    const r = await exec(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello' });
    expect(r.stdout).toBe('hello');
  });
});

describe('lastErrorLine', () => {
  it.each([
    ['ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1\n', '', 'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully: exit code: 1'],
    ['#1 building\nError: no matching signatures: none of the expected identities matched\nmain.go:74: error during command execution: no matching signatures\n', '', 'main.go:74: error during command execution: no matching signatures'],
    ['', 'only stdout here\n', 'only stdout here'],
    ['\x1b[31mError: denied\x1b[0m\n', '', 'Error: denied'],
    ['line a\nline b\n', '', 'line b'],
  ])('%j -> %j', (stderr, stdout, expected) => {
    expect(lastErrorLine(stderr, stdout)).toBe(expected);
  });
});

describe('renderCommand', () => {
  it('quotes for display and masks', () => {
    expect(renderCommand('docker', ['buildx', 'build', '--secret', 'id=t,env=X', 'a b', 'pw123'], ['pw123'])).toBe("docker buildx build --secret id=t,env=X 'a b' ***");
  });
});
