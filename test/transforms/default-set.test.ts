/**
 * The default transform set end to end: each directory under fixtures/default-set/ holds
 * input.Dockerfile, the output.Dockerfile that optimize() with no `only` must produce from it
 * (byte for byte), and context/, the build context. The transforms run together, so these cases
 * check how they compose: the manifest split comes first, merge-runs then joins what is left, and
 * it never joins an install-only RUN with the RUN after it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize } from '../../src/index.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'default-set');
const cases = readdirSync(FIXTURES).filter((name) => statSync(path.join(FIXTURES, name)).isDirectory()).sort();

describe('default transform set fixtures', () => {
  it('has the cases the composition needs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(FIXTURES, name);
    const input = readFileSync(path.join(dir, 'input.Dockerfile'), 'utf8');
    const expected = readFileSync(path.join(dir, 'output.Dockerfile'), 'utf8');
    const contextDir = path.join(dir, 'context');
    expect(existsSync(contextDir)).toBe(true);

    const result = await optimize(input, { contextDir });
    expect(result.output).toBe(expected);
    expect(findProblems(parseDockerfile(result.output))).toEqual([]);
    expect(result.findings.filter((f) => f.message.startsWith('internal error'))).toEqual([]);
    const again = await optimize(result.output, { contextDir });
    expect(again.output).toBe(result.output);
  });
});

describe('default transform set: what each case shows', () => {
  const run = async (name: string) => {
    const dir = path.join(FIXTURES, name);
    return optimize(readFileSync(path.join(dir, 'input.Dockerfile'), 'utf8'), { contextDir: path.join(dir, 'context') });
  };

  it('splits the install out of its RUN, then merges the RUNs after the moved COPY', async () => {
    const { findings } = await run('npm-ci-build-split-then-merge');
    expect(findings.filter((f) => f.applied).map((f) => f.transform)).toEqual(['split-dependency-copy', 'merge-runs']);
  });

  it('merges RUNs when the split is skipped, and says why it skipped', async () => {
    const { findings } = await run('split-skipped-runs-merged');
    expect(findings.filter((f) => f.applied).map((f) => f.transform)).toEqual(['merge-runs']);
    expect(findings.find((f) => f.transform === 'split-dependency-copy')?.reason).toMatch(/postinstall/);
  });

  it('keeps an install-only RUN out of the merge with the RUN after it', async () => {
    const { output, findings } = await run('install-run-not-merged-with-next');
    expect(output).toMatch(/^RUN pip install --no-cache-dir -r requirements\.txt\n/m);
    expect(findings.some((f) => f.transform === 'merge-runs' && !f.fixable && /only installs dependencies/.test(f.reason))).toBe(true);
  });
});
