/**
 * apt-update-with-install keeps the image except the index caches: real builds of generated
 * scenarios (hygiene-scenarios.ts) on BuildKit and buildah (see engine-check.ts), over the apt-get
 * (debian:bookworm) and apk (alpine:3.19) stand-ins. The scenarios also put RUNs between the
 * update and the install (one lists the index) that the transform must leave alone.
 */
import { describe, expect, it } from 'vitest';
import { engineGate } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, PROPERTY_RUNS } from './engine-check.js';
import { updateWithInstallScenarios } from './hygiene-scenarios.js';

const gate = engineGate();

describe.skipIf(gate.skip)('apt-update-with-install on real engines', () => {
  it('keeps the image identical except the declared cache paths wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('apt-update-with-install', updateWithInstallScenarios);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  }, PROPERTY_RUNS * 60_000);
});
