/**
 * apt-cleanup keeps the image except the package index: real builds of generated scenarios
 * (hygiene-scenarios.ts) on BuildKit and buildah (see engine-check.ts). Later steps that read the
 * index (an install without an update, a listing of the folder, `sh -c`, a child stage, a
 * `COPY --from`) are mixed in: where the transform cleaned up wrongly, those builds fail or differ.
 */
import { describe, expect, it } from 'vitest';
import { engineGate } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, PROPERTY_RUNS } from './engine-check.js';
import { cleanupScenarios } from './hygiene-scenarios.js';

const gate = engineGate();

describe.skipIf(gate.skip)('apt-cleanup on real engines', () => {
  it('keeps the image identical except the declared cache paths wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('apt-cleanup', cleanupScenarios);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  }, PROPERTY_RUNS * 60_000);
});
