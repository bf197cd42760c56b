/**
 * merge-runs keeps the image: real builds of generated Dockerfiles (generators.ts) on BuildKit
 * and buildah (see engine-check.ts). Heredocs and `--network` are left out: the engines here
 * cannot build them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineGate, type Scenario } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, PROPERTY_RUNS } from './engine-check.js';
import { CONTEXT_FILES, dockerfileArb } from './generators.js';

const gate = engineGate();

const scenarios: fc.Arbitrary<Scenario> = dockerfileArb({
  heredocs: false,
  runFlags: ['--mount=type=cache,target=/root/.cache', '--mount=type=cache,target=/tmp/cache'],
  bases: ['alpine:3.19', 'busybox'],
  maxStages: 2,
  maxItemsPerStage: 10,
}).map(({ text }) => ({ dockerfile: text, files: { ...CONTEXT_FILES } }));

describe.skipIf(gate.skip)('merge-runs on real engines', () => {
  it('keeps the image identical wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('merge-runs', scenarios);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  }, 120_000 + PROPERTY_RUNS * 20_000);
});
