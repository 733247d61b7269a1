import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateString, evaluateValue, type Scope, splitTemplate, Strict } from '../../src/workflow/expressions.ts';
import { WorkflowError } from '../../src/workflow/yaml.ts';
import { exceeding, parsePermissions, RESTRICTED_DEFAULT } from '../../src/workflow/permissions.ts';
import { expandMatrix, legSuffix } from '../../src/workflow/plan.ts';
import { filterMatches } from '../../src/workflow/triggers.ts';

const scope: Scope = {
  contexts: {
    inputs: new Strict({ push: true, platforms: 'linux/amd64,linux/arm64', count: 3 }, 'is not an input'),
    needs: new Strict({ prepare: new Strict({ result: 'success', outputs: new Strict({ include: '[{"platform":"linux/amd64"}]' }, 'is not an output job "prepare" declares') }, 'x') }, 'is not in needs'),
    github: { ref: 'refs/tags/1.2.3', event: { head_commit: { id: 'abc' } } },
    env: { FOO: 'bar' },
  },
};
const status = (s: Partial<Record<'success' | 'failure' | 'cancelled', boolean>> = {}) => ({ success: () => s.success ?? true, failure: () => s.failure ?? false, cancelled: () => s.cancelled ?? false });

describe('expressions (GitHub evaluator + runner semantics)', () => {
  it('keeps the type of a whole-value expression and interpolates strings', () => {
    expect(evaluateValue('${{ fromJSON(needs.prepare.outputs.include) }}', scope)).toEqual([{ platform: 'linux/amd64' }]);
    expect(evaluateValue('${{ inputs.push }}', scope)).toBe(true);
    expect(evaluateString('${{ inputs.push }}', scope, 'with.push')).toBe('true');
    expect(evaluateString('${{ inputs.count }}', scope, 'x')).toBe('3');
    expect(evaluateString('v=${{ github.ref }}@${{ env.FOO }}', scope, 'x')).toBe('v=refs/tags/1.2.3@bar');
    expect(evaluateString("${{ format('{0}-{1}', github.event.head_commit.id, 'x') }}", scope, 'x')).toBe('abc-x');
    expect(evaluateString("${{ join(fromJSON('[\"a\",\"b\"]'), '+') }}", scope, 'x')).toBe('a+b');
    expect(evaluateString("${{ contains(inputs.platforms, 'arm64') && startsWith(github.ref, 'refs/tags/') && endsWith(github.ref, '.3') }}", scope, 'x')).toBe('true');
    expect(evaluateString('${{ toJSON(fromJSON(\'{"a":1}\')) }}', scope, 'x')).toBe('{\n  "a": 1\n}');
  });

  it('finds expressions without being fooled by }} inside a string literal', () => {
    expect(splitTemplate("a ${{ format('{0}}}', 'x') }} b")).toEqual([{ text: 'a ' }, { expr: " format('{0}}}', 'x') " }, { text: ' b' }]);
    expect(evaluateString("${{ format('{{{0}}}', 'x') }}", scope, 'x')).toBe('{x}');
  });

  it('strict contexts: a misspelt output, input or job fails naming the expression and what exists', () => {
    expect(() => evaluateString('${{ needs.prepare.outputs.includes }}', scope, 'x')).toThrow(/needs\.prepare\.outputs\.includes is not an output job "prepare" declares \(there are: include\)/);
    expect(() => evaluateString('${{ inputs.pushh }}', scope, 'x')).toThrow(/\$\{\{ inputs\.pushh \}\}: inputs\.pushh is not an input \(there are: push, platforms, count\)/);
    expect(() => evaluateString('${{ needs.build.result }}', scope, 'x')).toThrow(/needs\.build is not in needs/);
    // Plain contexts stay lenient, as on GitHub (env, vars, the event payload).
    expect(evaluateString('${{ env.NOPE }}${{ github.event.nope.deeper }}', scope, 'x')).toBe('');
  });

  it('refuses unknown contexts and functions, and objects where a string is expected', () => {
    expect(() => evaluateString('${{ steps.x.outputs.y }}', scope, 'x')).toThrow(/Unrecognized named-value: 'steps'/);
    expect(() => evaluateString("${{ hashFiles('x') }}", scope, 'x')).toThrow(/Unrecognized function: 'hashFiles'/);
    expect(() => evaluateString('${{ fromJSON(needs.prepare.outputs.include) }}', scope, 'with.x')).toThrow(/with\.x: a sequence was not expected/);
    expect(() => evaluateString('${{ success() }}', scope, 'x')).toThrow(/Unrecognized function: 'success'/);
  });

  it('conditions: implicit success() &&, status functions, ${{ }} optional, text around it refused', () => {
    expect(evaluateCondition(undefined, { ...scope, status: status() })).toBe(true);
    expect(evaluateCondition(undefined, { ...scope, status: status({ success: false }) })).toBe(false);
    expect(evaluateCondition('inputs.push', { ...scope, status: status({ success: false }) })).toBe(false); // success() && (...)
    expect(evaluateCondition('${{ always() && inputs.push }}', { ...scope, status: status({ success: false }) })).toBe(true);
    expect(evaluateCondition('${{ failure() }}', { ...scope, status: status({ success: false, failure: true }) })).toBe(true);
    expect(evaluateCondition('!cancelled()', { ...scope, status: status({ success: false }) })).toBe(true);
    expect(evaluateCondition("github.ref == 'refs/tags/1.2.3'", { ...scope, status: status() })).toBe(true);
    expect(evaluateCondition(false, { ...scope, status: status() })).toBe(false);
    expect(() => evaluateCondition('${{ inputs.push }} && false', { ...scope, status: status() })).toThrow(/mixes \$\{\{ \}\} with other text/);
  });
});

describe('matrix expansion (GitHub\'s include/exclude rules)', () => {
  it('follows the documented example', () => {
    const legs = expandMatrix(
      {
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }],
      },
      'm',
    );
    expect(legs).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  it('excludes, include-only matrices, and refuses an empty one', () => {
    expect(expandMatrix({ os: ['a', 'b'], v: [1, 2], exclude: [{ os: 'a', v: 2 }] }, 'm')).toEqual([{ os: 'a', v: 1 }, { os: 'b', v: 1 }, { os: 'b', v: 2 }]);
    expect(expandMatrix({ include: [{ platform: 'linux/amd64', runner: ['self-hosted', 'x'] }] }, 'm')).toEqual([{ platform: 'linux/amd64', runner: ['self-hosted', 'x'] }]);
    expect(legSuffix({ platform: 'linux/amd64', runner: ['self-hosted', 'x'] })).toBe('linux/amd64, ["self-hosted","x"]');
    expect(() => expandMatrix({ include: [] }, 'strategy.matrix')).toThrow(/no combinations/);
    expect(() => expandMatrix({ include: 'nope' }, 'strategy.matrix')).toThrow(/must be a sequence of mappings/);
  });
});

describe('push filters and permissions', () => {
  it('matches tags with GitHub filter patterns (release.yml\'s)', () => {
    const tags = ['[0-9]+.[0-9]+.[0-9]+', '[0-9]+.[0-9]+.[0-9]+-*', 'v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'];
    for (const t of ['1.2.3', '10.20.30', '0.0.1-rc1', 'v1.2.3', 'v1.0.0-beta.1']) expect(filterMatches(tags, t), t).toBe(true);
    for (const t of ['v1', 'v1.2', '1.2', 'latest', 'x1.2.3', '1.2.3/x']) expect(filterMatches(tags, t), t).toBe(false);
    expect(filterMatches(['**', '!v*'], 'v1.2.3')).toBe(false);
    expect(filterMatches(['release/**'], 'release/a/b')).toBe(true);
  });

  it('parses permissions and words a nested job asking for more like GitHub', () => {
    const where = { file: 'f.yml', job: 'j' };
    const caller = parsePermissions({ contents: 'read', packages: 'write' }, where);
    expect(exceeding(parsePermissions({ packages: 'write', 'id-token': 'write' }, where), caller)).toEqual(["'id-token: write', but is only allowed 'id-token: none'"]);
    expect(exceeding(parsePermissions({}, where), caller)).toEqual([]);
    expect(parsePermissions('read-all', where)['id-token']).toBe('none');
    expect(RESTRICTED_DEFAULT.contents).toBe('read');
    expect(() => parsePermissions({ 'id-tokens': 'write' }, where)).toThrow(WorkflowError);
    expect(() => parsePermissions({ packages: 'admin' }, where)).toThrow(/f\.yml, job "j": permissions: packages/);
  });
});
