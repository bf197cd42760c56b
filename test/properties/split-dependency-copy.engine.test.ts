/**
 * split-dependency-copy keeps the image: real builds of generated npm, pip and Go scenarios on
 * BuildKit and buildah (see engine-check.ts and split-scenarios.ts).
 */
import { describe, expect, it } from 'vitest';
import { engineGate } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport } from './engine-check.js';
import { splitScenarioArb } from './split-scenarios.js';

const gate = engineGate();

describe.skipIf(gate.skip)('split-dependency-copy on real engines', () => {
  it('keeps the image identical wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('split-dependency-copy', splitScenarioArb);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  });
});
