/**
 * In-process properties of the package-hygiene transforms over the scenarios their real-engine
 * suites build (hygiene-scenarios.ts): the output parses, a second run changes nothing, the
 * generator gives each transform a fair share of spots to rewrite and of spots to skip (so the
 * engine suites test both), and every finding has a reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize } from '../../src/index.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';
import type { Scenario } from '../e2e/engine/index.js';
import { cacheMountScenarios, cleanupScenarios, hoistScenarios, updateWithInstallScenarios } from './hygiene-scenarios.js';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_129;
const SAMPLES = 150;

const SUITES: [string, fc.Arbitrary<Scenario>][] = [
  ['apt-update-with-install', updateWithInstallScenarios],
  ['apt-cleanup', cleanupScenarios],
  ['cache-mounts', cacheMountScenarios],
  ['hoist-volatile', hoistScenarios],
];

describe.each(SUITES)('%s over its engine scenarios', (id, arbitrary) => {
  it('rewrites well-formed, idempotent output, and both rewrites and skips occur', async () => {
    let rewritten = 0;
    for (const scenario of fc.sample(arbitrary, { numRuns: SAMPLES, seed: SEED })) {
      const result = await optimize(scenario.dockerfile, { only: [id] });
      expect(findProblems(parseDockerfile(result.output))).toEqual([]);
      for (const finding of result.findings) expect(finding.reason.trim()).not.toBe('');
      if (result.output !== scenario.dockerfile) rewritten++;
      const again = await optimize(result.output, { only: [id] });
      expect(again.output).toBe(result.output);
    }
    console.info(`${id}: ${rewritten}/${SAMPLES} scenarios rewritten`);
    expect(rewritten).toBeGreaterThan(SAMPLES * 0.2);
    expect(rewritten).toBeLessThan(SAMPLES * 0.95);
  }, 60_000);
});
