/**
 * apt-no-install-recommends fixture pairs (see fixture-runner.ts): a `runtime-equivalent`
 * suggestion, applied only with unsafe (options.json).
 */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { describeFixtures, readFixture } from './fixture-runner.js';

describeFixtures({ id: 'apt-no-install-recommends', minCases: 6, reasons: {} });

describe('apt-no-install-recommends findings', () => {
  it('is a suggestion without --unsafe, and runs by default', async () => {
    const { input } = readFixture('apt-no-install-recommends', 'suggest-only');
    const text = input.toString('utf8');
    const { output, findings } = await optimize(text);
    expect(output).not.toContain('--no-install-recommends');
    const suggestion = findings.find((f) => f.transform === 'apt-no-install-recommends')!;
    expect(suggestion).toMatchObject({ fixable: true, applied: false, contract: 'runtime-equivalent' });
    expect(suggestion.reason).toMatch(/applied only with --unsafe/);
    expect((await optimize(text, { unsafe: true, only: ['apt-no-install-recommends'] })).output).toContain('apt-get install --no-install-recommends -y curl');
  });
});
