/**
 * split-dependency-copy keeps the image: real builds of generated scenarios of every ecosystem it
 * rewrites (split-scenarios.ts) on BuildKit and buildah (see engine-check.ts).
 *
 * One property per ecosystem, each with an equal part of the runs (3 of the default 40), so that
 * every ecosystem gets its share of rewritten scenarios: drawn from one mix, 40 runs over more
 * than a dozen ecosystems would leave some with one or none. The last line sums them up per ecosystem.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { engineGate } from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, mergeReports, PROPERTY_RUNS, type EngineCheckReport } from './engine-check.js';
import { SPLIT_SCENARIOS } from './split-scenarios.js';

const gate = engineGate();
const RUNS_EACH = Math.max(1, Math.round(PROPERTY_RUNS / SPLIT_SCENARIOS.length));
const reports: EngineCheckReport[] = [];

describe.skipIf(gate.skip)('split-dependency-copy on real engines', () => {
  afterAll(() => {
    if (reports.length > 0) console.log(describeReport(mergeReports(reports)));
  });

  for (const { ecosystem, arbitrary } of SPLIT_SCENARIOS) {
    it(`keeps the image identical wherever it rewrites: ${ecosystem}`, async () => {
      const report = await checkTransformOnEngines('split-dependency-copy', arbitrary, { runs: RUNS_EACH, label: () => ecosystem });
      reports.push(report);
      console.log(describeReport(report));
      expect(report.mismatches).toBe(0);
      expect(report.built).toBeGreaterThan(0);
    }, RUNS_EACH * 60_000);
  }
});
