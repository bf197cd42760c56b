/**
 * The real-engine half of the transform properties: for generated scenarios where a transform
 * changes the Dockerfile, build the original and the rewrite on BuildKit and on buildah, and
 * require that the images match under the transform's contract on each engine, that a rewrite
 * never fails where the original built, and that the engines agree on the rewrite wherever they
 * agree on the original.
 *
 * Runs and seed: DOCKEROPT_PROPERTY_RUNS (default 40) and DOCKEROPT_PROPERTY_SEED (default fixed),
 * set by `npm run test:props -- --runs N --seed S`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { findTransform, optimize } from '../../src/index.js';
import { baseImagesOf, buildScenario, compareImages, ENGINES, writeContext, type BuildResult, type EngineName, type Scenario } from '../e2e/engine/index.js';

export const PROPERTY_RUNS = Number(process.env['DOCKEROPT_PROPERTY_RUNS'] ?? 40);
export const PROPERTY_SEED = Number(process.env['DOCKEROPT_PROPERTY_SEED'] ?? 20261129);

export interface EngineCheckReport {
  transform: string;
  seed: number;
  /** Scenarios the transform changed, built and compared on every engine. */
  compared: number;
  /** Of those, how many had an original that built (the rest failed on both sides alike). */
  built: number;
  mismatches: number;
  /** `compared` and `built` per label (by default the scenario's first base image). */
  byLabel: Record<string, { compared: number; built: number }>;
}

export interface EngineCheckOptions<S extends Scenario> {
  /** Rewritten scenarios to build (default PROPERTY_RUNS). */
  runs?: number;
  /** What to count scenarios by in `byLabel` (default: the first image the Dockerfile builds FROM). */
  label?: (scenario: S) => string;
}

/** Rewrites a scenario with one transform, reading its context from a temporary folder. */
export async function rewrite(transformId: string, scenario: Scenario): Promise<string> {
  const contextDir = mkdtempSync(path.join(tmpdir(), 'dockeropt-prop-'));
  try {
    writeContext(contextDir, scenario.files);
    return (await optimize(scenario.dockerfile, { only: [transformId], contextDir })).output;
  } finally {
    rmSync(contextDir, { recursive: true, force: true });
  }
}

function tail(log: string): string {
  return log.trimEnd().split('\n').slice(-12).join('\n');
}

/** Throws a readable error when the rewrite does not keep the image on `engine`. */
export function requireSameImage(engine: EngineName, original: BuildResult, rewritten: BuildResult, ignorePaths: string[]): void {
  if (!original.ok) return;
  if (!rewritten.ok) throw new Error(`${engine}: the original builds but the rewrite fails:\n${tail(rewritten.log)}`);
  const diff = compareImages(original.image, rewritten.image, { ignorePaths });
  if (diff) throw new Error(`${engine}: the images differ:\n${diff}`);
}

/** Runs the property; resolves to what it built, and rejects with the shrunk counterexample. */
export async function checkTransformOnEngines<S extends Scenario>(
  transformId: string,
  scenarios: fc.Arbitrary<S>,
  options: EngineCheckOptions<S> = {},
): Promise<EngineCheckReport> {
  const transform = findTransform(transformId);
  if (!transform) throw new Error(`unknown transform ${transformId}`);
  const ignorePaths = transform.contract === 'identical-except-caches' ? [...(transform.cachePaths ?? [])] : [];
  const report: EngineCheckReport = { transform: transformId, seed: PROPERTY_SEED, compared: 0, built: 0, mismatches: 0, byLabel: {} };
  const labelOf = options.label ?? ((scenario: S) => baseImagesOf(scenario.dockerfile, scenario.buildArgs)[0] ?? 'scratch');
  const property = fc.asyncProperty(scenarios, async (scenario) => {
    const output = await rewrite(transformId, scenario);
    fc.pre(output !== scenario.dockerfile);
    const rewritten = { ...scenario, dockerfile: output };
    const before: Partial<Record<EngineName, BuildResult>> = {};
    const after: Partial<Record<EngineName, BuildResult>> = {};
    let originalBuilt = false;
    try {
      for (const engine of ENGINES) {
        before[engine] = await buildScenario(engine, scenario);
        after[engine] = await buildScenario(engine, rewritten);
        originalBuilt ||= before[engine]!.ok;
        requireSameImage(engine, before[engine]!, after[engine]!, ignorePaths);
      }
      // The engines differ on a few semantics of their own (e.g. who owns a WORKDIR that a
      // COPY --chown fills), so a rewrite must not bring in a disagreement the original lacks.
      const disagreement = (results: Partial<Record<EngineName, BuildResult>>) => {
        const [buildkit, buildah] = [results.buildkit!, results.buildah!];
        if (buildkit.ok !== buildah.ok) return `builds on ${buildkit.ok ? 'BuildKit' : 'buildah'} only`;
        return buildkit.ok && buildah.ok ? compareImages(buildkit.image, buildah.image, { ignorePaths }) : null;
      };
      const afterDisagreement = disagreement(after);
      if (afterDisagreement && !disagreement(before)) {
        throw new Error(`BuildKit and buildah agree on the original but not on the rewrite:\n${afterDisagreement}`);
      }
    } catch (error) {
      report.mismatches++;
      throw new Error(`${(error as Error).message}\n--- rewritten Dockerfile ---\n${output}`);
    }
    report.compared++;
    if (originalBuilt) report.built++;
    const counts = (report.byLabel[labelOf(scenario)] ??= { compared: 0, built: 0 });
    counts.compared++;
    if (originalBuilt) counts.built++;
  });
  await fc.assert(property, { numRuns: options.runs ?? PROPERTY_RUNS, seed: PROPERTY_SEED, maxSkipsPerRun: 200 });
  return report;
}

/** One report for several runs of the same transform's property (e.g. one per ecosystem). */
export function mergeReports(reports: readonly EngineCheckReport[]): EngineCheckReport {
  const merged: EngineCheckReport = { transform: reports[0]?.transform ?? '?', seed: PROPERTY_SEED, compared: 0, built: 0, mismatches: 0, byLabel: {} };
  for (const report of reports) {
    merged.compared += report.compared;
    merged.built += report.built;
    merged.mismatches += report.mismatches;
    for (const [label, counts] of Object.entries(report.byLabel)) {
      const total = (merged.byLabel[label] ??= { compared: 0, built: 0 });
      total.compared += counts.compared;
      total.built += counts.built;
    }
  }
  return merged;
}

export function describeReport(report: EngineCheckReport): string {
  const labels = Object.entries(report.byLabel)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, counts]) => `${label} ${counts.compared}/${counts.built}`);
  return `[dockeropt properties] ${report.transform}: ${report.compared} scenarios rewritten, built on ${ENGINES.join(' + ')} and compared (${report.built} built, the rest failed alike), ${report.mismatches} mismatches, seed ${report.seed}${labels.length > 0 ? `; rewritten/built by ${labels.join(', ')}` : ''}`;
}
