/**
 * The `runtime-equivalent` contract on the real engines, for the transforms that change the image
 * by design (multi-stage, slim-base). For one case it:
 * - rewrites the Dockerfile with the transform and consent (`unsafe: true`);
 * - builds the original and the rewrite on BuildKit (and the rewrite on buildah too);
 * - requires the files the CMD/ENTRYPOINT names, and the artifact folders the case lists, at the
 *   same paths with the same content (type, sha256, permission bits, owner, link target);
 * - requires the same runtime config (Cmd, Entrypoint, WorkingDir, User, ExposedPorts, Volumes,
 *   Labels, Healthcheck, StopSignal) and the same value for every variable the Dockerfile's own ENV
 *   sets (the base image's ENV may differ: that is what a new base changes);
 * - runs both images (`docker run --network=none`) and requires the same exit code and output,
 *   and runs the HEALTHCHECK command in both, which must pass;
 * - requires the toolchain paths the case lists to be gone from the rewrite;
 * - reports both sizes: the sum of the regular files and the size dockerd reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Env } from 'dockerfile-ast';
import { expect } from 'vitest';
import { optimize } from '../../../src/index.js';
import { parseDockerfile } from '../../../src/model/dockerfile.js';
import {
  buildScenario, fileBytes, imageSize, removeImages, runImage, writeContext, type BuildResult, type FsEntry, type ImageSnapshot, type Scenario,
} from '../engine/index.js';

export interface RuntimeCase {
  name: string;
  scenario: Scenario;
  /** Files or folders (absolute paths) the program uses, compared entry by entry. */
  artifacts: string[];
  /** Paths the original has and the rewrite must not (the toolchain, sources, caches). */
  toolchain: string[];
  options?: Record<string, unknown>;
}

export interface RuntimeReport {
  name: string;
  rewritten: string;
  output: string;
  before: { files: number; engine: number };
  after: { files: number; engine: number };
}

/** Rewrites a case's Dockerfile with one transform and consent, reading the context from a temporary folder. */
export async function rewriteUnsafe(transformId: string, scenario: Scenario, options?: Record<string, unknown>): Promise<string> {
  const contextDir = mkdtempSync(path.join(tmpdir(), 'dockeropt-rt-'));
  try {
    writeContext(contextDir, scenario.files);
    const result = await optimize(scenario.dockerfile, {
      only: [transformId],
      unsafe: true,
      contextDir,
      ...(options ? { transformOptions: { [transformId]: options } } : {}),
    });
    return result.output;
  } finally {
    rmSync(contextDir, { recursive: true, force: true });
  }
}

function below(files: Record<string, FsEntry>, root: string): string[] {
  return Object.keys(files).filter((p) => p === root || p.startsWith(`${root}/`));
}

function sameEntry(a: FsEntry, b: FsEntry | undefined): boolean {
  return !!b && a.type === b.type && a.sha256 === b.sha256 && a.target === b.target && (a.mode & 0o777) === (b.mode & 0o777) && a.uid === b.uid && a.gid === b.gid;
}

/** Paths the program's argv names that are files of the image (resolved against its WorkingDir). */
function programFiles(image: ImageSnapshot): string[] {
  const argv = [...(image.config.Entrypoint ?? []), ...(image.config.Cmd ?? [])];
  const cwd = image.config.WorkingDir || '/';
  return argv
    .filter((word) => !word.startsWith('-') && /^[\w./-]+$/.test(word))
    .map((word) => path.posix.resolve(cwd, word))
    .filter((p) => image.files[p]?.type === 'file');
}

function envOf(image: ImageSnapshot): Map<string, string> {
  return new Map(image.config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

function tail(log: string): string {
  return log.trimEnd().split('\n').slice(-20).join('\n');
}

function built(result: BuildResult, what: string): ImageSnapshot {
  if (!result.ok) throw new Error(`${what} did not build:\n${tail(result.log)}`);
  return result.image;
}

/**
 * Checks one case. `given` replaces the transform's output (the harness's own tests pass a wrong
 * rewrite to show the check catches it).
 */
export async function checkRuntimeEquivalent(transformId: string, c: RuntimeCase, given?: string): Promise<RuntimeReport> {
  const rewritten = given ?? (await rewriteUnsafe(transformId, c.scenario, c.options));
  expect(rewritten, `${c.name}: the transform changes the Dockerfile`).not.toBe(c.scenario.dockerfile);
  const kept: ImageSnapshot[] = [];
  try {
    const original = built(await buildScenario('buildkit', c.scenario, { keepImage: true }), `${c.name}: the original`);
    kept.push(original);
    const rewrite = built(await buildScenario('buildkit', { ...c.scenario, dockerfile: rewritten }, { keepImage: true }), `${c.name}: the rewrite (BuildKit)\n${rewritten}`);
    kept.push(rewrite);
    const onBuildah = built(await buildScenario('buildah', { ...c.scenario, dockerfile: rewritten }), `${c.name}: the rewrite (buildah)\n${rewritten}`);

    // The files the program uses: same path, same content.
    const used = [...new Set([...programFiles(original), ...c.artifacts])];
    expect(used.length, `${c.name}: the case names what the program uses`).toBeGreaterThan(0);
    for (const root of used) {
      const entries = below(original.files, root);
      expect(entries.length, `${c.name}: ${root} exists in the original`).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(sameEntry(original.files[entry]!, rewrite.files[entry]), `${c.name}: ${entry} is the same in the rewrite (BuildKit)`).toBe(true);
        expect(sameEntry(original.files[entry]!, onBuildah.files[entry]), `${c.name}: ${entry} is the same in the rewrite (buildah)`).toBe(true);
      }
    }

    // The runtime config, but for the ENV the base image brings.
    for (const key of ['Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'Healthcheck', 'StopSignal'] as const) {
      expect(rewrite.config[key], `${c.name}: ${key}`).toEqual(original.config[key]);
      expect(onBuildah.config[key], `${c.name}: ${key} (buildah)`).toEqual(original.config[key]);
    }
    const ownEnv = parseDockerfile(c.scenario.dockerfile)
      .instructions.filter((i) => i.keyword === 'ENV')
      .flatMap((i) => (i.node as Env).getProperties().map((p) => p.getName()));
    for (const name of ownEnv) expect(envOf(rewrite).get(name), `${c.name}: ENV ${name}`).toBe(envOf(original).get(name));

    // Running the CMD gives the same result.
    const ranOriginal = await runImage('buildkit', original);
    const ranRewrite = await runImage('buildkit', rewrite);
    expect(ranOriginal.code, `${c.name}: the original runs\n${ranOriginal.stderr}`).toBe(0);
    expect({ code: ranRewrite.code, stdout: ranRewrite.stdout }, `${c.name}: the rewrite runs the same\n${ranRewrite.stderr}`).toEqual({ code: ranOriginal.code, stdout: ranOriginal.stdout });
    expect(ranOriginal.stdout.trim(), `${c.name}: the program prints something to compare`).not.toBe('');
    const health = (original.config.Healthcheck as { Test?: string[] } | null)?.Test;
    if (health && health[0] !== 'NONE') {
      const probe: { args: string[]; entrypoint: string } =
        health[0] === 'CMD-SHELL' ? { entrypoint: '/bin/sh', args: ['-c', health[1] ?? ''] } : { entrypoint: health[1] ?? '', args: health.slice(2) };
      const [a, b] = [await runImage('buildkit', original, probe), await runImage('buildkit', rewrite, probe)];
      expect(a.code, `${c.name}: the HEALTHCHECK passes in the original\n${a.stderr}`).toBe(0);
      expect(b.code, `${c.name}: the HEALTHCHECK passes in the rewrite\n${b.stderr}`).toBe(0);
    }

    // The toolchain is gone.
    for (const root of c.toolchain) {
      expect(below(original.files, root).length, `${c.name}: ${root} is in the original`).toBeGreaterThan(0);
      expect(below(rewrite.files, root), `${c.name}: ${root} is gone from the rewrite`).toEqual([]);
    }

    const report: RuntimeReport = {
      name: c.name,
      rewritten,
      output: ranOriginal.stdout.trim(),
      before: { files: fileBytes(original), engine: await imageSize('buildkit', original) },
      after: { files: fileBytes(rewrite), engine: await imageSize('buildkit', rewrite) },
    };
    console.log(
      `[${transformId}] ${c.name}: ${kb(report.before.files)} → ${kb(report.after.files)} in regular files, ` +
        `${kb(report.before.engine)} → ${kb(report.after.engine)} as dockerd reports it; both run: ${report.output}`,
    );
    return report;
  } finally {
    await removeImages('buildkit', kept);
  }
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
