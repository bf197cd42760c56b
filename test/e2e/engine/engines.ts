// Starting, driving and stopping the two real build engines, each in a temp folder of its own:
//   buildkit  Docker's engine (dockerd + its own containerd), builds with DOCKER_BUILDKIT=1.
//             No bridge, no iptables: the daemon changes nothing on the host network, and builds
//             run with --network=host (the bridge network does not exist).
//   buildah   its own storage root, chroot isolation, --layers for the cache.
// Nothing is ever pulled: the base images are built locally (base-images.ts).

import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  accessSync,
  constants,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { run, runOk } from './proc.js';
import { BASE_IMAGES, assembleRootfs, baseDockerfile, buildahName, slug, type BaseImageSpec } from './base-images.js';
import type { EngineName } from './snapshot.js';

export interface BuildkitState {
  available: boolean;
  why?: string;
  docker: string;
  dockerd: string;
  root: string;
  dockerHost: string;
  dockerConfig: string;
  pidFile: string;
  logFile: string;
  version?: string;
}

export interface BuildahState {
  available: boolean;
  why?: string;
  buildah: string;
  /** overlay, or vfs where the kernel cannot stack overlayfs here (inside some CI containers). */
  driver: 'overlay' | 'vfs';
  root: string;
  graphRoot: string;
  runRoot: string;
  storageConf: string;
  registriesConf: string;
  containersConf: string;
  policy: string;
  tmpDir: string;
  version?: string;
}

export interface EngineState {
  workDir: string;
  buildkit: BuildkitState;
  buildah: BuildahState;
  timings: { startMs: number; basesMs: number };
}

export const WORKDIR_PREFIX = 'dockeropt-e2e-';

function findExecutable(name: string, preferred: string[] = []): string | undefined {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const p of [...preferred, ...dirs.map((d) => join(d, name))]) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function tail(text: string, lines = 25): string {
  return text.split('\n').slice(-lines).join('\n');
}

function baseDir(): string {
  // Unix socket paths must stay short (108 bytes): fall back to /tmp for long TMPDIRs.
  const t = tmpdir();
  return t.length > 40 ? '/tmp' : t;
}

// ---------------------------------------------------------------------------------------------
// Environment of each engine's tools

export function dockerEnv(s: BuildkitState): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DOCKER_HOST: s.dockerHost,
    DOCKER_BUILDKIT: '1',
    DOCKER_CONFIG: s.dockerConfig,
    BUILDKIT_PROGRESS: 'plain',
    DOCKER_CLI_HINTS: 'false',
  };
}

export function buildahEnv(s: BuildahState): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONTAINERS_STORAGE_CONF: s.storageConf,
    CONTAINERS_REGISTRIES_CONF: s.registriesConf,
    CONTAINERS_CONF: s.containersConf,
    BUILDAH_ISOLATION: 'chroot',
    BUILDAH_FORMAT: 'docker',
    TMPDIR: s.tmpDir,
  };
}

export function buildahGlobal(s: BuildahState): string[] {
  return ['--root', s.graphRoot, '--runroot', s.runRoot, '--storage-driver', s.driver];
}

// ---------------------------------------------------------------------------------------------
// Process and mount cleanup (only what lives under our own work folder)

function pidsUsing(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // kernel threads, races
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(dir + '/')) out.push(pid);
    } catch {
      // the process is gone
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!pids.some(alive)) return true;
    await sleep(100);
  }
  return !pids.some(alive);
}

function mountsUnder(dir: string): string[] {
  const decode = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => decode(l.split(' ')[4] ?? ''))
    .filter((m) => m === dir || m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

async function unmountAll(dir: string): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const mounts = mountsUnder(dir);
    if (mounts.length === 0) return;
    for (const m of mounts) {
      const r = await run('umount', [m]);
      if (r.code !== 0) await run('umount', ['-l', m]);
    }
  }
}

/** Stops every process started for `dir`, unmounts what is mounted under it and deletes it. */
async function destroyWorkDir(dir: string, pidFile?: string): Promise<void> {
  const main = pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (Number.isInteger(main) && alive(main)) {
    process.kill(main, 'SIGTERM');
    if (!(await waitGone([main], 20_000))) process.kill(main, 'SIGKILL');
  }
  let rest = pidsUsing(dir);
  if (rest.length > 0) {
    for (const p of rest) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    if (!(await waitGone(rest, 5_000))) {
      rest = pidsUsing(dir);
      for (const p of rest) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await waitGone(rest, 5_000);
    }
  }
  await unmountAll(dir);
  for (let i = 0; i < 5; i++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      await sleep(200);
      await unmountAll(dir);
    }
  }
}

/** Removes work folders of earlier runs that died without tearing down (their daemon is gone). */
export async function reapStaleWorkDirs(log: (m: string) => void = () => undefined): Promise<void> {
  const base = baseDir();
  let names: string[] = [];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(WORKDIR_PREFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = join(base, n);
    const pidFile = join(dir, 'docker', 'dockerd.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    const ownerFile = join(dir, 'owner.pid');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : NaN;
    // Another run's folder while that run lives; an orphan once its owner is gone.
    if (Number.isInteger(owner) ? alive(owner) : Number.isInteger(pid) && alive(pid)) continue;
    log(`removing stale engine folder ${dir}`);
    await destroyWorkDir(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// Start and stop

export interface StartOptions {
  engines?: readonly EngineName[];
  log?: (message: string) => void;
  /** Base images to build right away ('all' or names); the others are built on first use. */
  prebuild?: 'all' | readonly string[];
}

async function startDockerd(s: BuildkitState): Promise<void> {
  mkdirSync(s.root, { recursive: true });
  mkdirSync(s.dockerConfig, { recursive: true });
  const daemonJson = join(s.root, 'daemon.json');
  writeFileSync(daemonJson, '{}\n');
  const args = [
    '--config-file', daemonJson,
    '--data-root', join(s.root, 'data'),
    '--exec-root', join(s.root, 'exec'),
    '--pidfile', s.pidFile,
    '-H', s.dockerHost,
    '--bridge=none',
    '--iptables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--userland-proxy=false',
    '--containerd-namespace', 'dockeropt-e2e',
    '--containerd-plugins-namespace', 'dockeropt-e2e-plugins',
    '--log-level', 'warn',
  ];
  const fd = openSync(s.logFile, 'a');
  const child = spawn(s.dockerd, args, { detached: true, stdio: ['ignore', fd, fd], env: process.env });
  child.unref();
  closeSync(fd);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (exited) throw new Error(`dockerd exited during start:\n${tail(readFileSync(s.logFile, 'utf8'))}`);
    const r = await run(s.docker, ['version', '--format', '{{.Server.Version}}'], { env: dockerEnv(s), timeoutMs: 10_000 });
    if (r.code === 0) {
      s.version = r.stdout.toString('utf8').trim();
      return;
    }
    await sleep(150);
  }
  throw new Error(`dockerd did not answer within 60 s:\n${tail(readFileSync(s.logFile, 'utf8'))}`);
}

function writeStorageConf(s: BuildahState): void {
  writeFileSync(s.storageConf, `[storage]\ndriver = "${s.driver}"\ngraphroot = "${s.graphRoot}"\nrunroot = "${s.runRoot}"\n`);
}

/** Prepares buildah's store: overlay when this kernel and file system allow it, else vfs. */
async function prepareBuildah(s: BuildahState, log: (m: string) => void): Promise<void> {
  for (const d of [s.graphRoot, s.runRoot, s.tmpDir]) mkdirSync(d, { recursive: true });
  writeConfigs(s);
  const probe = await run(s.buildah, [...buildahGlobal(s), 'images'], { env: buildahEnv(s), timeoutMs: 60_000 });
  if (probe.code === 0) return;
  log(`buildah cannot use overlay here, falling back to vfs: ${tail(probe.output, 3)}`);
  s.driver = 'vfs';
  await unmountAll(s.root);
  rmSync(s.graphRoot, { recursive: true, force: true });
  rmSync(s.runRoot, { recursive: true, force: true });
  for (const d of [s.graphRoot, s.runRoot]) mkdirSync(d, { recursive: true });
  writeStorageConf(s);
}

function writeConfigs(s: BuildahState): void {
  writeStorageConf(s);
  writeFileSync(s.registriesConf, 'unqualified-search-registries = ["docker.io"]\nshort-name-mode = "permissive"\n');
  writeFileSync(s.containersConf, '[engine]\n');
  writeFileSync(s.policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }) + '\n');
}

async function buildBase(state: EngineState, engine: EngineName, name: string, ctx: string): Promise<void> {
  if (engine === 'buildkit') {
    const s = state.buildkit;
    await runOk(s.docker, ['build', '--network=host', '--progress=plain', '-t', name, ctx], { env: dockerEnv(s), timeoutMs: 300_000 });
  } else {
    const s = state.buildah;
    await runOk(
      s.buildah,
      [...buildahGlobal(s), 'build', '--signature-policy', s.policy, '--isolation', 'chroot', '--pull=never', '--format', 'docker',
        '--identity-label=false', '--layers=false', '-t', buildahName(name), ctx],
      { env: buildahEnv(s), timeoutMs: 300_000 },
    );
  }
}

async function inPool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(size, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  });
  await Promise.all(workers);
}

export function whyUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `the engines need Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the engines need root (run the e2e tests as root)';
  return undefined;
}

/** Starts the requested engines and builds the base images in each. Never throws for a missing engine: see `available`/`why`. */
export async function startEngines(opts: StartOptions = {}): Promise<EngineState> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  const wanted = new Set(opts.engines ?? ['buildkit', 'buildah']);
  const workDir = mkdtempSync(join(baseDir(), WORKDIR_PREFIX));
  writeFileSync(join(workDir, 'owner.pid'), `${process.pid}\n`);
  const dockerRoot = join(workDir, 'docker');
  const buildahRoot = join(workDir, 'buildah');
  const state: EngineState = {
    workDir,
    buildkit: {
      available: false,
      docker: '',
      dockerd: '',
      root: dockerRoot,
      dockerHost: `unix://${join(dockerRoot, 'docker.sock')}`,
      dockerConfig: join(dockerRoot, 'client-config'),
      pidFile: join(dockerRoot, 'dockerd.pid'),
      logFile: join(dockerRoot, 'dockerd.log'),
    },
    buildah: {
      available: false,
      buildah: '',
      driver: 'overlay',
      root: buildahRoot,
      graphRoot: join(buildahRoot, 'root'),
      runRoot: join(buildahRoot, 'runroot'),
      storageConf: join(buildahRoot, 'storage.conf'),
      registriesConf: join(buildahRoot, 'registries.conf'),
      containersConf: join(buildahRoot, 'containers.conf'),
      policy: join(buildahRoot, 'policy.json'),
      tmpDir: join(buildahRoot, 'tmp'),
    },
    timings: { startMs: 0, basesMs: 0 },
  };
  await reapStaleWorkDirs(log);

  const common = whyUnavailable();
  const bk = state.buildkit;
  const bh = state.buildah;
  if (!wanted.has('buildkit')) bk.why = 'not requested';
  else if (common) bk.why = common;
  else {
    const cli = process.env['DOCKEROPT_DOCKER_CLI'];
    bk.docker = findExecutable('docker', [...(cli ? [cli] : []), '/usr/bin/docker']) ?? '';
    bk.dockerd = findExecutable('dockerd', ['/usr/bin/dockerd', '/usr/sbin/dockerd']) ?? '';
    const missing = [
      bk.docker ? '' : 'docker',
      bk.dockerd ? '' : 'dockerd',
      findExecutable('containerd') ? '' : 'containerd',
      findExecutable('runc') ? '' : 'runc',
    ].filter(Boolean);
    if (missing.length > 0) bk.why = `missing ${missing.join(', ')} (apt-get install docker.io)`;
  }
  if (!wanted.has('buildah')) bh.why = 'not requested';
  else if (common) bh.why = common;
  else {
    bh.buildah = findExecutable('buildah') ?? '';
    if (!bh.buildah) bh.why = 'missing buildah (apt-get install buildah)';
  }

  await Promise.all([
    (async () => {
      if (bk.why) return;
      try {
        await startDockerd(bk);
        bk.available = true;
        log(`dockerd ${bk.version ?? ''} up at ${bk.dockerHost}`);
      } catch (e) {
        bk.why = `dockerd did not start: ${(e as Error).message}`;
      }
    })(),
    (async () => {
      if (bh.why) return;
      try {
        await prepareBuildah(bh, log);
        const r = await runOk(bh.buildah, [...buildahGlobal(bh), 'version', '--json'], { env: buildahEnv(bh), timeoutMs: 60_000 });
        bh.version = (JSON.parse(r.stdout.toString('utf8')) as { version?: string }).version;
        bh.available = true;
      } catch (e) {
        bh.why = `buildah does not work here: ${(e as Error).message}`;
      }
    })(),
  ]);
  state.timings.startMs = Date.now() - t0;

  const t1 = Date.now();
  const prebuild = BASE_IMAGES.filter((b) => opts.prebuild === 'all' || (opts.prebuild ?? []).includes(b.name)).map((b) => b.name);
  await Promise.all(
    (['buildkit', 'buildah'] as const)
      .filter((e) => state[e].available)
      .map(async (e) => {
        try {
          await ensureBases(state, e, prebuild);
        } catch (err) {
          state[e].available = false;
          state[e].why = `building a base image failed: ${(err as Error).message}`;
        }
      }),
  );
  state.timings.basesMs = Date.now() - t1;
  writeFileSync(join(workDir, 'state.json'), JSON.stringify(state, null, 2));
  return state;
}

// ---------------------------------------------------------------------------------------------
// Base images, built on first use (a marker file per engine and image, so every worker process
// of the run shares them; a lock folder keeps two processes from building the same one).

const inflight = new Map<string, Promise<void>>();

function baseFiles(state: EngineState, engine: EngineName, name: string): { done: string; lock: string; ctx: string } {
  const dir = join(state.workDir, 'bases', engine);
  mkdirSync(dir, { recursive: true });
  const s = slug(name);
  return { done: join(dir, `${s}.done`), lock: join(dir, `${s}.lock`), ctx: join(dir, `${s}.ctx`) };
}

async function ensureBase(state: EngineState, engine: EngineName, spec: BaseImageSpec): Promise<void> {
  const f = baseFiles(state, engine, spec.name);
  for (;;) {
    if (existsSync(f.done)) return;
    try {
      mkdirSync(f.lock);
    } catch {
      const owner = Number(readFileSafe(join(f.lock, 'pid')));
      if (Number.isInteger(owner) && owner > 0 && !alive(owner)) rmSync(f.lock, { recursive: true, force: true });
      await sleep(100);
      continue;
    }
    try {
      writeFileSync(join(f.lock, 'pid'), `${process.pid}\n`);
      if (existsSync(f.done)) return;
      rmSync(f.ctx, { recursive: true, force: true });
      assembleRootfs(join(f.ctx, 'rootfs'), spec);
      writeFileSync(join(f.ctx, 'Dockerfile'), baseDockerfile(spec));
      await buildBase(state, engine, spec.name, f.ctx);
      writeFileSync(f.done, `${spec.name}\n`);
      return;
    } finally {
      rmSync(f.ctx, { recursive: true, force: true });
      rmSync(f.lock, { recursive: true, force: true });
    }
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The base image specs for image names as a Dockerfile writes them (unknown names are skipped). */
export function baseSpecsFor(names: readonly string[]): BaseImageSpec[] {
  const wanted = new Set(names.map(buildahName));
  return BASE_IMAGES.filter((b) => wanted.has(buildahName(b.name)));
}

/** Builds the named base images in an engine unless they are there already. */
export async function ensureBases(state: EngineState, engine: EngineName, names: readonly string[]): Promise<void> {
  await inPool(baseSpecsFor(names), 3, async (spec) => {
    const key = `${state.workDir}|${engine}|${spec.name}`;
    let p = inflight.get(key);
    if (!p) {
      p = ensureBase(state, engine, spec).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    await p;
  });
}

/** Stops dockerd (and its containerd), unmounts buildah's storage and deletes the work folder. */
export async function stopEngines(state: EngineState): Promise<void> {
  await destroyWorkDir(state.workDir, state.buildkit.pidFile);
}

// ---------------------------------------------------------------------------------------------
// Build primitives

export interface EngineBuildOptions {
  buildArgs?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  timeoutMs?: number;
}

export interface EngineBuildResult {
  ok: boolean;
  log: string;
  ms: number;
}

export async function engineBuild(
  state: EngineState,
  engine: EngineName,
  ctxDir: string,
  dockerfile: string,
  tag: string,
  opts: EngineBuildOptions = {},
): Promise<EngineBuildResult> {
  const extra: string[] = [];
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) extra.push('--build-arg', `${k}=${v}`);
  if (opts.target) extra.push('--target', opts.target);
  if (opts.noCache) extra.push('--no-cache');
  const t0 = Date.now();
  let r;
  if (engine === 'buildkit') {
    const s = state.buildkit;
    r = await run(s.docker, ['build', '--network=host', '--progress=plain', '-f', dockerfile, '-t', tag, ...extra, ctxDir], {
      env: dockerEnv(s),
      timeoutMs: opts.timeoutMs ?? 300_000,
    });
  } else {
    const s = state.buildah;
    r = await run(
      s.buildah,
      [...buildahGlobal(s), 'build', '--signature-policy', s.policy, '--isolation', 'chroot', '--layers', '--pull=never', '--format', 'docker',
        '--identity-label=false', '--force-rm', '-f', dockerfile, '-t', tag, ...extra, ctxDir],
      { env: buildahEnv(s), timeoutMs: opts.timeoutMs ?? 300_000 },
    );
  }
  return { ok: r.code === 0, log: r.output + (r.timedOut ? '\n[harness] build timed out' : ''), ms: Date.now() - t0 };
}

/** The image as a docker-archive (manifest.json + config + layer tars). */
export async function engineExport(state: EngineState, engine: EngineName, tag: string): Promise<Buffer> {
  if (engine === 'buildkit') {
    const s = state.buildkit;
    return (await runOk(s.docker, ['save', tag], { env: dockerEnv(s), timeoutMs: 120_000 })).stdout;
  }
  const s = state.buildah;
  const file = join(s.tmpDir, `export-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}.tar`);
  try {
    await runOk(s.buildah, [...buildahGlobal(s), 'push', '--signature-policy', s.policy, '--quiet', tag, `docker-archive:${file}`], {
      env: buildahEnv(s),
      timeoutMs: 120_000,
    });
    return readFileSync(file);
  } finally {
    rmSync(file, { force: true });
  }
}

export async function engineRemove(state: EngineState, engine: EngineName, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  if (engine === 'buildkit') {
    const s = state.buildkit;
    await run(s.docker, ['rmi', '-f', ...tags], { env: dockerEnv(s) });
  } else {
    const s = state.buildah;
    await run(s.buildah, [...buildahGlobal(s), 'rmi', '-f', ...tags], { env: buildahEnv(s) });
  }
}

/** Empties an engine's build cache (the base images stay). */
export async function enginePruneCache(state: EngineState, engine: EngineName): Promise<void> {
  if (engine === 'buildkit') {
    const s = state.buildkit;
    await runOk(s.docker, ['builder', 'prune', '--all', '--force'], { env: dockerEnv(s) });
    return;
  }
  const s = state.buildah;
  const r = await runOk(s.buildah, [...buildahGlobal(s), 'images', '--all', '--json'], { env: buildahEnv(s) });
  const bases = new Set(BASE_IMAGES.map((b) => buildahName(b.name)));
  const images = JSON.parse(r.stdout.toString('utf8') || '[]') as Array<{ id: string; names?: string[] | null }>;
  const drop = images.filter((i) => !(i.names ?? []).some((n) => bases.has(n))).map((i) => i.id);
  if (drop.length > 0) await run(s.buildah, [...buildahGlobal(s), 'rmi', '-f', ...drop], { env: buildahEnv(s) });
}
