// The real-engine harness: build a Dockerfile plus a build context on BuildKit (Docker's engine)
// or buildah, snapshot the image (filesystem + runtime config), compare two images, and probe
// which steps a context edit sends back through the cache.
//
// The engines are started once per run by ./global-setup.ts (vitest project "e2e"), which hands
// their state to the test workers through vitest's provide/inject. Builds from one worker are
// safe to run one after another; the e2e project runs its files sequentially.

import { inject } from 'vitest';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { dockerEnv, engineBuild, engineExport, enginePruneCache, engineRemove, ensureBases, type EngineState } from './engines.js';
import { run as runProcess, runOk } from './proc.js';
import { compareImages, snapshotFromArchive, type CompareOptions, type EngineName, type ImageSnapshot } from './snapshot.js';
import { FS_KEYWORDS, parseDockerfileSteps, type DfInstruction } from './dockerfile-steps.js';

export type { EngineName, ImageSnapshot, FsEntry, FsType, ImageConfigView, CompareOptions } from './snapshot.js';
export type { EngineState } from './engines.js';
export { compareImages, describeEntry, ALWAYS_SKIPPED } from './snapshot.js';
export { parseDockerfileSteps } from './dockerfile-steps.js';
export { BASE_IMAGES } from './base-images.js';
export { startEngines, stopEngines } from './engines.js';

/**
 * Where the stand-ins put package-manager caches and indexes (as the real tools do), per tool:
 * candidates for a transform's `identical-except-caches` list. Installed packages are never here
 * (poetry's virtualenvs live beside its cache and are not listed).
 */
export const STANDIN_CACHE_PATHS: Readonly<Record<string, readonly string[]>> = {
  'apt-get': ['/var/lib/apt/lists', '/var/cache/apt'],
  apk: ['/var/cache/apk'],
  npm: ['/root/.npm'],
  yarn: ['/usr/local/share/.cache/yarn', '/root/.yarn/berry/cache'],
  pnpm: ['/root/.local/share/pnpm/store'],
  pip: ['/root/.cache/pip'],
  poetry: ['/root/.cache/pypoetry/cache', '/root/.cache/pypoetry/artifacts'],
  uv: ['/root/.cache/uv'],
  go: ['/root/.cache/go-build', '/go/pkg/mod'],
  bundle: ['/usr/local/bundle/cache'],
  composer: ['/root/.cache/composer'],
  mix: ['/root/.hex/packages'],
  cargo: ['/usr/local/cargo/registry'],
  mvn: ['/root/.m2/repository'],
  gradle: ['/root/.gradle/caches'],
  dotnet: ['/root/.nuget/packages'],
};

declare module 'vitest' {
  export interface ProvidedContext {
    dockeroptEngines: EngineState;
  }
}

export const ENGINES: readonly EngineName[] = ['buildkit', 'buildah'];

// ---------------------------------------------------------------------------------------------
// State

let current: EngineState | undefined;

/** Use an explicitly started engine state (scripts outside vitest call startEngines() themselves). */
export function useEngineState(state: EngineState | undefined): void {
  current = state;
}

function loadState(): EngineState | undefined {
  if (current) return current;
  try {
    current = inject('dockeroptEngines');
  } catch {
    // not inside a vitest worker
  }
  const file = process.env['DOCKEROPT_E2E_STATE'];
  if (!current && file && existsSync(file)) current = JSON.parse(readFileSync(file, 'utf8')) as EngineState;
  return current;
}

/** The state of the running engines; throws when the harness was not set up. */
export function engineState(): EngineState {
  const s = loadState();
  if (!s) throw new Error('engine harness not set up: run the e2e project (vitest run --project e2e), whose globalSetup starts the engines');
  return s;
}

export interface EngineAvailability {
  buildkit: boolean;
  buildah: boolean;
  why?: string;
}

export function enginesAvailable(): EngineAvailability {
  const s = loadState();
  if (!s) return { buildkit: false, buildah: false, why: 'engine harness not set up (run the e2e project)' };
  const why = ENGINES.filter((e) => !s[e].available)
    .map((e) => `${e}: ${s[e].why ?? 'unavailable'}`)
    .join('; ');
  return { buildkit: s.buildkit.available, buildah: s.buildah.available, ...(why ? { why } : {}) };
}

export interface EngineGate {
  skip: boolean;
  reason?: string;
}

/**
 * Decides whether an e2e file runs: with the engines it needs available, `skip` is false.
 * Without them it prints a one-line notice and skips, except under CI=true, where a missing
 * engine is a failure (this throws while the file is collected).
 *   const gate = engineGate(['buildkit']);
 *   describe.skipIf(gate.skip)('...', () => { ... });
 */
export function engineGate(engines: readonly EngineName[] = ENGINES, label = 'e2e'): EngineGate {
  const avail = enginesAvailable();
  const missing = engines.filter((e) => !avail[e]);
  if (missing.length === 0) return { skip: false };
  const s = loadState();
  const reason = missing.map((e) => `${e}: ${s ? s[e].why ?? 'unavailable' : 'harness not set up'}`).join('; ');
  if (process.env['CI'] === 'true') {
    throw new Error(`[dockeropt ${label}] CI=true and a build engine is unavailable (${reason}); install them with .ci/install-engines.sh and run as root`);
  }
  console.log(`[dockeropt ${label}] skipped: ${reason}`);
  return { skip: true, reason };
}

// ---------------------------------------------------------------------------------------------
// Scenarios and builds

export type ScenarioFile = string | { content: string; mode?: number } | { symlink: string };

export interface Scenario {
  /** The Dockerfile text. It is written outside the context, so COPY . . never copies it. */
  dockerfile: string;
  /** The build context: relative path → content. Add a `.dockerignore` here when needed. */
  files: Record<string, ScenarioFile>;
  buildArgs?: Record<string, string>;
  target?: string;
}

export type BuildResult =
  | { ok: true; image: ImageSnapshot; log: string; ms: number }
  | { ok: false; log: string; ms: number };

export interface BuildOptions {
  noCache?: boolean;
  /** Keep the image in the engine (default: removed once snapshotted). */
  keepImage?: boolean;
}

let counter = 0;

function unique(engine: EngineName): string {
  counter += 1;
  return `${engine}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

function safeRelative(path: string): string {
  const n = normalize(path);
  if (isAbsolute(n) || n === '..' || n.startsWith('../') || n === '.' || n === '') {
    throw new Error(`scenario file path must be relative and inside the context: ${path}`);
  }
  return n;
}

/** Writes a build context; returns nothing. */
export function writeContext(dir: string, files: Scenario['files']): void {
  mkdirSync(dir, { recursive: true });
  for (const [rel, spec] of Object.entries(files)) {
    const path = join(dir, safeRelative(rel));
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true, recursive: true });
    if (typeof spec === 'string') {
      writeFileSync(path, spec);
      chmodSync(path, 0o644);
    } else if ('symlink' in spec) {
      symlinkSync(spec.symlink, path);
    } else {
      writeFileSync(path, spec.content);
      chmodSync(path, spec.mode ?? 0o644);
    }
  }
}

function requireEngine(engine: EngineName): EngineState {
  const s = engineState();
  if (!s[engine].available) throw new Error(`${engine} is not available: ${s[engine].why ?? 'unknown reason'}`);
  return s;
}

/** The images a Dockerfile builds FROM (ARG defaults and build args substituted; stages and scratch left out). */
export function baseImagesOf(dockerfile: string, buildArgs: Record<string, string> = {}): string[] {
  const df = parseDockerfileSteps(dockerfile);
  const args: Record<string, string> = {};
  for (const ins of df.preamble) {
    if (ins.keyword !== 'ARG') continue;
    for (const decl of ins.text.split(/\s+/).slice(1)) {
      const eq = decl.indexOf('=');
      const name = eq === -1 ? decl : decl.slice(0, eq);
      const value = eq === -1 ? undefined : decl.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2');
      if (value !== undefined) args[name] = value;
      if (buildArgs[name] !== undefined) args[name] = buildArgs[name];
    }
  }
  const stageNames = new Set<string>();
  const out: string[] = [];
  for (const st of df.stages) {
    const from = st.instructions[0];
    const words = (from?.text ?? '').split(/\s+/).slice(1).filter((w) => !w.startsWith('--'));
    const image = (words[0] ?? '').replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
      const name = a ?? b ?? '';
      return args[name] ?? def ?? '';
    });
    if (image !== '' && image.toLowerCase() !== 'scratch' && !stageNames.has(image.toLowerCase())) out.push(image);
    if (st.name) stageNames.add(st.name);
  }
  return [...new Set(out)];
}

/** Builds the base images a scenario needs in an engine (once per run). */
export async function prepareBases(engine: EngineName, dockerfile: string, buildArgs?: Record<string, string>): Promise<void> {
  await ensureBases(requireEngine(engine), engine, baseImagesOf(dockerfile, buildArgs));
}

interface Workspace {
  dir: string;
  ctx: string;
  dockerfile: string;
}

function workspace(state: EngineState, engine: EngineName, scenario: Scenario): Workspace & { id: string } {
  const id = unique(engine);
  const dir = join(state.workDir, 'work', id);
  const ctx = join(dir, 'context');
  writeContext(ctx, scenario.files);
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, scenario.dockerfile);
  return { id, dir, ctx, dockerfile };
}

function tagFor(id: string): string {
  return `dockeropt-e2e/${id}:latest`;
}

async function snapshot(state: EngineState, engine: EngineName, tag: string): Promise<ImageSnapshot> {
  return snapshotFromArchive(await engineExport(state, engine, tag), engine, tag);
}

/** Builds a scenario on one engine and snapshots the image (which is then removed from the engine). */
export async function buildScenario(engine: EngineName, scenario: Scenario, opts: BuildOptions = {}): Promise<BuildResult> {
  const state = requireEngine(engine);
  await prepareBases(engine, scenario.dockerfile, scenario.buildArgs);
  const ws = workspace(state, engine, scenario);
  const tag = tagFor(ws.id);
  try {
    const r = await engineBuild(state, engine, ws.ctx, ws.dockerfile, tag, {
      ...(scenario.buildArgs ? { buildArgs: scenario.buildArgs } : {}),
      ...(scenario.target ? { target: scenario.target } : {}),
      ...(opts.noCache ? { noCache: true } : {}),
    });
    if (!r.ok) return { ok: false, log: r.log, ms: r.ms };
    const image = await snapshot(state, engine, tag);
    return { ok: true, image, log: r.log, ms: r.ms };
  } finally {
    if (!opts.keepImage) await engineRemove(state, engine, [tag]);
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

function logTail(log: string, lines = 15): string {
  return log.trimEnd().split('\n').slice(-lines).map((l) => '    | ' + l).join('\n');
}

export interface ScenarioComparison {
  /** True when both built and compare equal, or both failed to build. */
  equal: boolean;
  /** Why they differ (a readable diff, or which side failed and its log), or null. */
  diff: string | null;
  a: BuildResult;
  b: BuildResult;
}

/**
 * Builds two scenarios (say the original and the transformed Dockerfile over the same context)
 * on one engine and compares the images. Use `ignorePaths` for `identical-except-caches`.
 */
export async function compareScenarios(engine: EngineName, a: Scenario, b: Scenario, opts: CompareOptions = {}): Promise<ScenarioComparison> {
  const ra = await buildScenario(engine, a);
  const rb = await buildScenario(engine, b);
  if (ra.ok && rb.ok) {
    const diff = compareImages(ra.image, rb.image, opts);
    return { equal: diff === null, diff, a: ra, b: rb };
  }
  if (!ra.ok && !rb.ok) return { equal: true, diff: null, a: ra, b: rb };
  const failed = ra.ok ? 'b' : 'a';
  const log = ra.ok ? rb.log : ra.log;
  return { equal: false, diff: `only ${failed} failed to build (${engine}):\n${logTail(log)}`, a: ra, b: rb };
}

export interface EngineAgreement {
  agree: boolean;
  diff: string | null;
  buildkit: BuildResult;
  buildah: BuildResult;
}

/** Builds one scenario on both engines; they agree when both fail or both images compare equal. */
export async function checkEnginesAgree(scenario: Scenario, opts: CompareOptions = {}): Promise<EngineAgreement> {
  const buildkit = await buildScenario('buildkit', scenario);
  const buildah = await buildScenario('buildah', scenario);
  if (buildkit.ok && buildah.ok) {
    const diff = compareImages(buildkit.image, buildah.image, opts);
    return { agree: diff === null, diff, buildkit, buildah };
  }
  if (!buildkit.ok && !buildah.ok) return { agree: true, diff: null, buildkit, buildah };
  const failed = buildkit.ok ? 'buildah' : 'buildkit';
  return {
    agree: false,
    diff: `only ${failed} failed to build:\n${logTail(buildkit.ok ? buildah.log : buildkit.log)}`,
    buildkit,
    buildah,
  };
}

// ---------------------------------------------------------------------------------------------
// Running images and their size

export interface RunImageOptions {
  /** Arguments after the image (replace its CMD). */
  args?: string[];
  /** Replaces the image's ENTRYPOINT. */
  entrypoint?: string;
  timeoutMs?: number;
}

export interface RunImageResult {
  code: number;
  stdout: string;
  stderr: string;
}

function refOf(image: ImageSnapshot | string): string {
  return typeof image === 'string' ? image : image.ref;
}

/**
 * Runs an image kept with `keepImage: true` (its CMD/ENTRYPOINT, or `args`) in a throw-away
 * container without a network: `docker run --rm --network=none` against the harness's own dockerd.
 * BuildKit only: buildah has no daemon to run a container's config as `docker run` does.
 */
export async function runImage(engine: EngineName, image: ImageSnapshot | string, opts: RunImageOptions = {}): Promise<RunImageResult> {
  if (engine !== 'buildkit') throw new Error('runImage runs images on the BuildKit engine (dockerd) only');
  const s = requireEngine(engine).buildkit;
  const args = ['run', '--rm', '--network=none', ...(opts.entrypoint !== undefined ? ['--entrypoint', opts.entrypoint] : []), refOf(image), ...(opts.args ?? [])];
  const r = await runProcess(s.docker, args, { env: dockerEnv(s), timeoutMs: opts.timeoutMs ?? 60_000 });
  return { code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
}

/** The size the engine reports for a kept image (`docker image inspect`: the sum of its layers, uncompressed). */
export async function imageSize(engine: EngineName, image: ImageSnapshot | string): Promise<number> {
  if (engine !== 'buildkit') throw new Error('imageSize reads sizes from the BuildKit engine (dockerd) only');
  const s = requireEngine(engine).buildkit;
  const r = await runOk(s.docker, ['image', 'inspect', '--format', '{{.Size}}', refOf(image)], { env: dockerEnv(s) });
  return Number(r.stdout.toString('utf8').trim());
}

/** The sum of the regular files' sizes in a snapshot: an engine-independent image size. */
export function fileBytes(image: ImageSnapshot): number {
  return Object.values(image.files).reduce((sum, entry) => sum + (entry.type === 'file' ? (entry.size ?? 0) : 0), 0);
}

/** Removes images kept with `keepImage: true`. */
export async function removeImages(engine: EngineName, images: ReadonlyArray<ImageSnapshot | string>): Promise<void> {
  await engineRemove(requireEngine(engine), engine, images.map(refOf));
}

// ---------------------------------------------------------------------------------------------
// Cache probe

export type StepStatus =
  /** FROM: resolved, not run. */
  | 'base'
  /** A config-only instruction (ENV, LABEL, CMD, EXPOSE, USER, ARG, ...). */
  | 'config'
  | 'cached'
  | 'ran'
  | 'failed'
  /** Not in the log (an unused stage, or the build stopped before it). */
  | 'not-built';

export interface ProbeStep {
  stage: number;
  stageName: string | null;
  indexInStage: number;
  line: number;
  keyword: string;
  text: string;
  status: StepStatus;
}

export interface CacheProbeResult {
  ok: boolean;
  /** Every instruction of the Dockerfile with its status in the rebuild. */
  steps: ProbeStep[];
  /** The RUN/COPY/ADD/WORKDIR steps that ran again in the rebuild. */
  rerun: ProbeStep[];
  firstLog: string;
  secondLog: string;
  /** Mismatches between the log and the Dockerfile (should stay empty). */
  warnings: string[];
}

export interface CacheProbeOptions {
  /**
   * New content for editPath. Default: the old content plus a newline and as many spaces as
   * this probe's serial number (a blank last line every text format accepts, and content no
   * earlier build of the run has seen, so no earlier cache entry can answer for it); a missing
   * file is created holding "probe N".
   */
  edit?: (old: string | undefined) => string;
  /** Empty the engine's build cache first (default false: the unique edit is enough). */
  prune?: boolean;
  buildArgs?: Record<string, string>;
  target?: string;
}

const CONFIG_ONLY = (keyword: string): boolean => !FS_KEYWORDS.has(keyword);

function baseStatus(ins: DfInstruction): StepStatus {
  if (ins.keyword === 'FROM') return 'base';
  return CONFIG_ONLY(ins.keyword) ? 'config' : 'not-built';
}

function fromEarlierStage(stages: ReturnType<typeof parseDockerfileSteps>['stages'], index: number): boolean {
  const from = stages[index]?.instructions[0];
  const image = ((from?.text ?? '').split(/\s+/).slice(1).find((w) => !w.startsWith('--')) ?? '').toLowerCase();
  return stages.slice(0, index).some((s, i) => s.name === image || String(i) === image);
}


/** Every instruction of the file as a probe step, with the status the log gave it. */
function stepsWithStatus(df: ReturnType<typeof parseDockerfileSteps>, result: Map<number, StepStatus>): ProbeStep[] {
  return df.stages.flatMap((st) =>
    st.instructions.map((ins) => ({
      stage: ins.stage,
      stageName: st.name,
      indexInStage: ins.indexInStage,
      line: ins.line,
      keyword: ins.keyword,
      text: ins.text,
      status: result.get(ins.index) ?? baseStatus(ins),
    })),
  );
}
/** Reads BuildKit's plain progress: `#N [stage k/n] INSTR` then `#N CACHED` / `#N DONE` / `#N ERROR`. */
export function parseBuildkitSteps(dockerfile: string, log: string): { steps: ProbeStep[]; warnings: string[] } {
  const df = parseDockerfileSteps(dockerfile);
  const warnings: string[] = [];
  const vertices = new Map<string, { label: string | null; k: number; n: number }>();
  const status = new Map<string, 'cached' | 'done' | 'error'>();
  for (const line of log.split('\n')) {
    const head = /^#(\d+) \[(?:(\S+) )?(\d+)\/(\d+)\] /.exec(line);
    if (head) {
      vertices.set(head[1] as string, { label: head[2] ?? null, k: Number(head[3]), n: Number(head[4]) });
      continue;
    }
    const st = /^#(\d+) (CACHED|DONE|ERROR)\b/.exec(line);
    if (st) {
      const prev = status.get(st[1] as string);
      const now = st[2] === 'CACHED' ? 'cached' : st[2] === 'ERROR' ? 'error' : 'done';
      if (prev !== 'cached' && prev !== 'error') status.set(st[1] as string, now);
    }
  }
  const result = new Map<number, StepStatus>();
  for (const [id, v] of vertices) {
    let stage = -1;
    if (v.label === null) stage = df.stages.length - 1;
    else {
      const m = /^stage-(\d+)$/.exec(v.label);
      stage = m ? Number(m[1]) : df.stages.findIndex((s) => s.name === v.label);
    }
    const st = df.stages[stage];
    if (!st) {
      warnings.push(`BuildKit step #${id} [${v.label ?? ''} ${v.k}/${v.n}] names no stage of the Dockerfile`);
      continue;
    }
    // A stage built FROM an earlier stage has no FROM step of its own in BuildKit's count.
    const fsSteps = st.instructions.filter((i) => FS_KEYWORDS.has(i.keyword) && !(i.keyword === 'FROM' && fromEarlierStage(df.stages, stage)));
    if (fsSteps.length !== v.n) warnings.push(`stage ${stage}: BuildKit counts ${v.n} steps, the Dockerfile has ${fsSteps.length}`);
    const ins = fsSteps[v.k - 1];
    if (!ins) continue;
    const s = status.get(id);
    result.set(ins.index, ins.keyword === 'FROM' ? 'base' : s === 'cached' ? 'cached' : s === 'error' ? 'failed' : 'ran');
  }
  return { steps: stepsWithStatus(df, result), warnings };
}

/** Reads buildah's output: `[s/S] STEP i/n: INSTR`, then `--> Using cache ...` for a hit. */
export function parseBuildahSteps(dockerfile: string, log: string, failed: boolean): { steps: ProbeStep[]; warnings: string[] } {
  const df = parseDockerfileSteps(dockerfile);
  const warnings: string[] = [];
  const result = new Map<number, StepStatus>();
  let open: DfInstruction | undefined;
  let lastOpen: DfInstruction | undefined;
  for (const line of log.split('\n')) {
    const m = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): /.exec(line);
    if (m) {
      const stage = m[1] ? Number(m[1]) - 1 : df.stages.length - 1;
      const st = df.stages[stage];
      const i = Number(m[3]);
      if (!st) {
        warnings.push(`buildah step "${line}" names no stage of the Dockerfile`);
        open = undefined;
        continue;
      }
      if (st.instructions.length !== Number(m[4])) {
        warnings.push(`stage ${stage}: buildah counts ${m[4]} steps, the Dockerfile has ${st.instructions.length}`);
      }
      open = st.instructions[i - 1];
      lastOpen = open;
      if (open) result.set(open.index, open.keyword === 'FROM' ? 'base' : CONFIG_ONLY(open.keyword) ? 'config' : 'ran');
      continue;
    }
    if (/^(\[\d+\/\d+\] )?COMMIT\b/.test(line)) {
      open = undefined;
      continue;
    }
    if (open && line.startsWith('--> Using cache') && FS_KEYWORDS.has(open.keyword) && open.keyword !== 'FROM') {
      result.set(open.index, 'cached');
    }
  }
  if (failed && lastOpen && result.get(lastOpen.index) === 'ran') result.set(lastOpen.index, 'failed');
  return { steps: stepsWithStatus(df, result), warnings };
}

function probeSerial(state: EngineState): number {
  const file = join(state.workDir, 'probe-serial');
  const n = (existsSync(file) ? Number(readFileSync(file, 'utf8')) || 0 : 0) + 1;
  writeFileSync(file, `${n}\n`);
  return n;
}

/**
 * Builds, edits one context file, rebuilds, and reports which steps ran again. The edit is new
 * to the engine (see CacheProbeOptions.edit), so only this probe's first build can answer for
 * the rebuild. Both images are removed afterwards.
 */
export async function cacheProbe(
  engine: EngineName,
  dockerfile: string,
  files: Scenario['files'],
  editPath: string,
  opts: CacheProbeOptions = {},
): Promise<CacheProbeResult> {
  const state = requireEngine(engine);
  await prepareBases(engine, dockerfile, opts.buildArgs);
  if (opts.prune) await enginePruneCache(state, engine);
  const serial = probeSerial(state);
  const scenario: Scenario = {
    dockerfile,
    files,
    ...(opts.buildArgs ? { buildArgs: opts.buildArgs } : {}),
    ...(opts.target ? { target: opts.target } : {}),
  };
  const ws = workspace(state, engine, scenario);
  const tag1 = tagFor(ws.id + '-1');
  const tag2 = tagFor(ws.id + '-2');
  const buildOpts = {
    ...(opts.buildArgs ? { buildArgs: opts.buildArgs } : {}),
    ...(opts.target ? { target: opts.target } : {}),
  };
  try {
    const first = await engineBuild(state, engine, ws.ctx, ws.dockerfile, tag1, buildOpts);
    if (!first.ok) {
      return { ok: false, steps: [], rerun: [], firstLog: first.log, secondLog: '', warnings: ['the first build failed'] };
    }
    const path = join(ws.ctx, safeRelative(editPath));
    const old = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const next = opts.edit ? opts.edit(old) : old === undefined ? `probe ${serial}\n` : `${old}\n${' '.repeat(serial)}`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, next);
    const second = await engineBuild(state, engine, ws.ctx, ws.dockerfile, tag2, buildOpts);
    const parsed = engine === 'buildkit' ? parseBuildkitSteps(dockerfile, second.log) : parseBuildahSteps(dockerfile, second.log, !second.ok);
    return {
      ok: second.ok,
      steps: parsed.steps,
      rerun: parsed.steps.filter((s) => (s.status === 'ran' || s.status === 'failed') && s.keyword !== 'FROM'),
      firstLog: first.log,
      secondLog: second.log,
      warnings: parsed.warnings,
    };
  } finally {
    await engineRemove(state, engine, [tag1, tag2]);
    rmSync(ws.dir, { recursive: true, force: true });
  }
}
