/**
 * hoist-volatile keeps the image identical: real builds of generated scenarios
 * (hygiene-scenarios.ts), some with a --build-arg for the moved ARG, on BuildKit and buildah (see
 * engine-check.ts). Steps that would see the value move (`RUN env`, `printenv`, a RUN naming the
 * variable) are mixed in: moving the ARG below one of them would change its output file.
 *
 * And the cache probe that shows why the transform exists: built twice with a different
 * BUILD_DATE, the original runs its install again, the rewrite takes it from the cache.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { engineBuild, engineRemove } from '../e2e/engine/engines.js';
import {
  ENGINES,
  engineGate,
  engineState,
  parseBuildahSteps,
  parseBuildkitSteps,
  prepareBases,
  writeContext,
  type EngineName,
  type ProbeStep,
  type Scenario,
} from '../e2e/engine/index.js';
import { checkTransformOnEngines, describeReport, PROPERTY_RUNS } from './engine-check.js';
import { hoistScenarios } from './hygiene-scenarios.js';

const gate = engineGate();

/** Builds a Dockerfile twice on one engine, with different build args, and reads the second build's steps. */
async function buildTwice(engine: EngineName, dockerfile: string, files: Scenario['files'], first: Record<string, string>, second: Record<string, string>): Promise<ProbeStep[]> {
  const state = engineState();
  await prepareBases(engine, dockerfile);
  const id = `hoist-probe-${engine}-${process.pid}-${Date.now().toString(36)}`;
  const dir = path.join(state.workDir, 'work', id);
  const context = path.join(dir, 'context');
  mkdirSync(dir, { recursive: true });
  writeContext(context, files);
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  const tags = [`dockeropt-e2e/${id}-1:latest`, `dockeropt-e2e/${id}-2:latest`];
  try {
    const a = await engineBuild(state, engine, context, path.join(dir, 'Dockerfile'), tags[0]!, { buildArgs: first });
    if (!a.ok) throw new Error(`the first build failed:\n${a.log}`);
    const b = await engineBuild(state, engine, context, path.join(dir, 'Dockerfile'), tags[1]!, { buildArgs: second });
    if (!b.ok) throw new Error(`the second build failed:\n${b.log}`);
    const parsed = engine === 'buildkit' ? parseBuildkitSteps(dockerfile, b.log) : parseBuildahSteps(dockerfile, b.log, false);
    expect(parsed.warnings).toEqual([]);
    return parsed.steps;
  } finally {
    await engineRemove(state, engine, tags);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(gate.skip)('hoist-volatile on real engines', () => {
  it('keeps the image identical wherever it rewrites', async () => {
    const report = await checkTransformOnEngines('hoist-volatile', hoistScenarios);
    console.log(describeReport(report));
    expect(report.mismatches).toBe(0);
    expect(report.built).toBeGreaterThan(0);
  }, PROPERTY_RUNS * 60_000);

  it.each(ENGINES)('%s: with a new BUILD_DATE the rewrite reuses the install layer and the original does not', async (engine) => {
    const original = [
      'FROM debian:bookworm',
      'ARG BUILD_DATE',
      'LABEL org.opencontainers.image.created=$BUILD_DATE',
      'RUN apt-get update && apt-get install -y curl',
      'COPY app.txt /app.txt',
      'CMD ["sh"]',
      '',
    ].join('\n');
    const { output: rewritten } = await optimize(original, { only: ['hoist-volatile'] });
    expect(rewritten).toBe(
      ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y curl', 'COPY app.txt /app.txt', 'CMD ["sh"]', 'ARG BUILD_DATE', 'LABEL org.opencontainers.image.created=$BUILD_DATE', ''].join('\n'),
    );
    const files = { 'app.txt': 'hello\n' };
    const stamp = `${engine}-${Date.now()}`;
    const install = (steps: ProbeStep[]) => steps.find((s) => s.keyword === 'RUN' && s.text.includes('apt-get install'))!.status;

    const before = await buildTwice(engine, original, files, { BUILD_DATE: `${stamp}-a` }, { BUILD_DATE: `${stamp}-b` });
    const after = await buildTwice(engine, rewritten, files, { BUILD_DATE: `${stamp}-c` }, { BUILD_DATE: `${stamp}-d` });
    console.log(`[dockeropt properties] hoist-volatile cache probe on ${engine}: install step ${install(before)} in the original, ${install(after)} in the rewrite`);
    expect(install(before)).toBe('ran');
    expect(install(after)).toBe('cached');
  }, 300_000);
});
