// vitest globalSetup of the "e2e" project: starts dockerd and buildah in a temp folder, builds
// the base images once, provides the state to the test workers (inject('dockeroptEngines')),
// and tears everything down at the end. Missing engines are reported, not fatal, unless CI=true.

import type { TestProject } from 'vitest/node';
import { join } from 'node:path';
import { startEngines, stopEngines, type EngineState } from './engines.js';
import type { EngineName } from './snapshot.js';

let state: EngineState | undefined;

function wantedEngines(): EngineName[] {
  const v = process.env['DOCKEROPT_E2E_ENGINES'];
  if (!v) return ['buildkit', 'buildah'];
  return v.split(',').map((s) => s.trim()).filter((s): s is EngineName => s === 'buildkit' || s === 'buildah');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  // Base images are built on first use; DOCKEROPT_E2E_PREBUILD=all (or a comma list) builds
  // them up front. busybox is always built: it proves each engine can build at all.
  const pre = process.env['DOCKEROPT_E2E_PREBUILD'];
  state = await startEngines({
    engines: wantedEngines(),
    prebuild: pre === 'all' ? 'all' : ['busybox', ...(pre ? pre.split(',').map((s) => s.trim()) : [])],
    log: (m) => console.log(`[dockeropt e2e] ${m}`),
  });
  const summary = (['buildkit', 'buildah'] as const)
    .map((e) => `${e} ${state?.[e].available ? `up (${state[e].version ?? '?'})` : `unavailable (${state?.[e].why ?? '?'})`}`)
    .join(', ');
  console.log(`[dockeropt e2e] ${summary}; ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env['CI'] === 'true') {
    const missing = wantedEngines().filter((e) => !state?.[e].available);
    if (missing.length > 0) {
      const why = missing.map((e) => `${e}: ${state?.[e].why ?? '?'}`).join('; ');
      await stopEngines(state);
      throw new Error(`CI=true and a build engine is unavailable: ${why}`);
    }
  }
  project.provide('dockeroptEngines', state);
  process.env['DOCKEROPT_E2E_STATE'] = join(state.workDir, 'state.json');

  return async () => {
    if (state) await stopEngines(state);
    state = undefined;
  };
}
