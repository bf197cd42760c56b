/**
 * merge-runs fixture pairs: every directory under fixtures/merge-runs/ holds an input.Dockerfile
 * and the output.Dockerfile the transform must produce from it, byte for byte (output == input
 * when the transform must skip). Adding a case is adding a directory with those two files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize } from '../../src/index.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'merge-runs');
const OPTIONS = { only: ['merge-runs'] };

const cases = readdirSync(FIXTURES)
  .filter((name) => statSync(path.join(FIXTURES, name)).isDirectory())
  .sort();

function readCase(name: string): { input: Buffer; expected: Buffer } {
  return {
    input: readFileSync(path.join(FIXTURES, name, 'input.Dockerfile')),
    expected: readFileSync(path.join(FIXTURES, name, 'output.Dockerfile')),
  };
}

describe('merge-runs fixtures', () => {
  it('has the fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (name) => {
    const { input, expected } = readCase(name);
    const result = await optimize(input.toString('utf8'), OPTIONS);

    // Strings first for a readable diff, then the bytes (BOM, CRLF) themselves.
    expect(result.output).toBe(expected.toString('utf8'));
    expect(Buffer.from(result.output, 'utf8').equals(expected)).toBe(true);
    expect(result.passes).toBe(expected.equals(input) ? 0 : 1);
    expect(findProblems(parseDockerfile(result.output))).toEqual([]);
    for (const finding of result.findings) {
      expect(finding.transform).toBe('merge-runs');
      expect(finding.reason.trim()).not.toBe('');
    }

    const again = await optimize(result.output, OPTIONS);
    expect(again.output).toBe(result.output);
    expect(again.passes).toBe(0);
    expect(again.findings.filter((f) => f.fixable)).toEqual([]);
  });
});

describe('merge-runs skip findings', () => {
  /** Skip cases and a piece of the reason each must give. */
  const reasons: Record<string, RegExp> = {
    'trailing-comment-skip': /# comment/,
    'mount-flags-differ': /^their flags differ \(--mount=type=cache,target=\/(var\/cache\/apk vs --mount=type=cache,target=\/root\/\.cache|root\/\.cache vs none)\)$/,
    'network-flag-differs': /flags differ \(--network=none vs none\)/,
    'exec-form': /exec form/,
    heredoc: /heredoc/,
    'shell-powershell': /SHELL is \["pwsh","-Command"\]/,
    'shell-inherited-from-stage': /SHELL is \["pwsh","-Command"\]/,
    'windows-base': /Windows/,
    'windows-base-inherited': /Windows/,
    'unbalanced-quotes': /cannot parse/,
    'background-job': /background/,
    'continuation-ends-in-comment': /comment line inside its continuation/,
    'set-e-not-merged-before': /may turn on set -e/,
    'mount-tmpfs-skip': /each RUN gets a fresh --mount=type=tmpfs,target=\/scratch/,
    'mount-bind-rw-skip': /each RUN gets a fresh --mount=type=bind,target=\/src,rw/,
  };

  it.each(Object.keys(reasons))('%s says why it skipped', async (name) => {
    const { input, expected } = readCase(name);
    expect(expected.equals(input)).toBe(true);
    const { findings } = await optimize(input.toString('utf8'), OPTIONS);
    const skips = findings.filter((f) => !f.applied && !f.fixable);
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) {
      expect(skip.message).toMatch(/are not merged$/);
      expect(skip.reason).toMatch(reasons[name]!);
      expect(skip.range.startLine).toBeGreaterThan(1);
      expect(skip.range.endLine).toBeGreaterThan(skip.range.startLine);
    }
  });

  it('an ignore pragma suppresses the merge without a skip finding', async () => {
    const { input } = readCase('pragma-ignore-all');
    const { output, findings } = await optimize(input.toString('utf8'), OPTIONS);
    expect(output).toBe(input.toString('utf8'));
    expect(findings).toEqual([]);
  });

  it('an applied merge says which steps were wrapped and why', async () => {
    const { input } = readCase('exit-subshell');
    const { findings } = await optimize(input.toString('utf8'), OPTIONS);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ applied: true, fixable: true, contract: 'identical' });
    expect(findings[0]!.message).toMatch(/^Merge 3 consecutive RUN instructions/);
    expect(findings[0]!.range).toMatchObject({ startLine: 2, endLine: 4 });
    expect(findings[0]!.reason).toMatch(/`RUN test -f \/optional \|\| exit 0` runs in a subshell so that exit does not reach the next command/);
  });
});
