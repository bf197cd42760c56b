// What an image *is*, for the contracts: its final filesystem (every path's type, mode, owner,
// content hash and link target; never mtimes) and its runtime config. Both engines hand over a
// docker-archive (`docker save`, `buildah push ... docker-archive:`); the layers are applied in
// order here, with whiteouts, exactly as a container runtime stacks them. Container artifacts
// (/etc/hosts, /.dockerenv, the mount points /proc, /sys, /dev, /run) are left out.

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parseTar, type TarEntry } from './tar.js';

export type EngineName = 'buildkit' | 'buildah';

export type FsType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface FsEntry {
  type: FsType;
  /** Permission bits including setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Regular files. */
  size?: number;
  sha256?: string;
  /** UTF-8 content of small text files (≤ 4 KiB, no NUL), for readable diffs and assertions. */
  text?: string;
  /** Symlinks. */
  target?: string;
  /** Device nodes: "major:minor". */
  dev?: string;
}

export interface ImageConfigView {
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  ExposedPorts: string[];
  Volumes: string[];
  Labels: Record<string, string>;
  Shell: string[] | null;
  Healthcheck: unknown;
  StopSignal: string;
  OnBuild: string[];
}

export interface ImageSnapshot {
  engine: EngineName;
  /** The tag the image was built under (removed from the engine after the snapshot). */
  ref: string;
  /** The image config digest. */
  id: string;
  /** Absolute path → entry, sorted by path. */
  files: Record<string, FsEntry>;
  config: ImageConfigView;
  layerCount: number;
}

/** Never part of a snapshot: what a container runtime mounts or creates, not what the image holds. */
export const ALWAYS_SKIPPED: readonly string[] = [
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/hostname',
  '/.dockerenv',
];

/** True when `path` is `prefix` or lies under it (prefixes match whole path segments). */
export function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return p === '/' || path === p || path.startsWith(p + '/');
}

// ---------------------------------------------------------------------------------------------
// Layers

interface LayerOp {
  kind: 'add' | 'whiteout' | 'opaque' | 'hardlink';
  path: string;
  entry?: FsEntry;
  linkTo?: string;
}

const layerCache = new Map<string, LayerOp[]>();

function normPath(name: string): string {
  const p = posix.normalize('/' + name);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function entryOf(t: TarEntry): FsEntry {
  const base = { mode: t.mode, uid: t.uid, gid: t.gid };
  switch (t.type) {
    case 'dir':
      return { type: 'dir', ...base };
    case 'symlink':
      return { type: 'symlink', ...base, target: t.linkname };
    case 'char':
    case 'block':
      return { type: t.type, ...base, dev: `${t.devmajor}:${t.devminor}` };
    case 'fifo':
      return { type: 'fifo', ...base };
    default: {
      const e: FsEntry = { type: 'file', ...base, size: t.size, sha256: createHash('sha256').update(t.data).digest('hex') };
      if (t.size <= 4096 && !t.data.includes(0)) e.text = t.data.toString('utf8');
      return e;
    }
  }
}

function layerOps(tar: Buffer, key: string): LayerOp[] {
  const cached = layerCache.get(key);
  if (cached) return cached;
  const ops: LayerOp[] = [];
  for (const t of parseTar(tar)) {
    const path = normPath(t.name);
    if (path === '/') continue;
    const base = posix.basename(path);
    const dir = posix.dirname(path);
    if (base === '.wh..wh..opq') ops.push({ kind: 'opaque', path: dir });
    else if (base.startsWith('.wh.')) ops.push({ kind: 'whiteout', path: posix.join(dir, base.slice(4)) });
    else if (t.type === 'hardlink') ops.push({ kind: 'hardlink', path, linkTo: normPath(t.linkname), entry: entryOf({ ...t, type: 'file' }) });
    else ops.push({ kind: 'add', path, entry: entryOf(t) });
  }
  if (layerCache.size > 200) layerCache.clear();
  layerCache.set(key, ops);
  return ops;
}

function removeTree(state: Map<string, FsEntry>, path: string, keepRoot: boolean): void {
  if (!keepRoot) state.delete(path);
  const prefix = path === '/' ? '/' : path + '/';
  for (const k of [...state.keys()]) if (k.startsWith(prefix)) state.delete(k);
}

function ensureParents(state: Map<string, FsEntry>, path: string): void {
  for (let d = posix.dirname(path); d !== '/'; d = posix.dirname(d)) {
    const e = state.get(d);
    if (e?.type === 'dir') return;
    if (e) removeTree(state, d, false);
    state.set(d, { type: 'dir', mode: 0o755, uid: 0, gid: 0 });
  }
}

/** Applies layers in order, like overlayfs/containerd's applier (whiteouts first within a layer). */
export function applyLayers(layers: LayerOp[][]): Map<string, FsEntry> {
  const state = new Map<string, FsEntry>();
  for (const ops of layers) {
    for (const op of ops) {
      if (op.kind === 'opaque') removeTree(state, op.path, true);
      else if (op.kind === 'whiteout') removeTree(state, op.path, false);
    }
    for (const op of ops) {
      if (op.kind === 'opaque' || op.kind === 'whiteout') continue;
      let entry = op.entry as FsEntry;
      if (op.kind === 'hardlink') {
        const target = op.linkTo === undefined ? undefined : state.get(op.linkTo);
        if (target) entry = { ...target };
      }
      const existing = state.get(op.path);
      if (existing && !(existing.type === 'dir' && entry.type === 'dir')) removeTree(state, op.path, false);
      ensureParents(state, op.path);
      state.set(op.path, entry);
    }
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// Archives

interface RawConfig {
  config?: Record<string, unknown>;
  rootfs?: { diff_ids?: string[] };
}

function readArchive(archive: Buffer): { config: RawConfig; configName: string; layers: Array<{ key: string; tar: Buffer }> } {
  const files = new Map<string, TarEntry>();
  for (const e of parseTar(archive)) files.set(normPath(e.name), e);
  const resolve = (name: string): TarEntry => {
    let path = normPath(name);
    for (let i = 0; i < 10; i++) {
      const e = files.get(path);
      if (!e) throw new Error(`image archive: ${name} is missing`);
      if (e.type !== 'symlink') return e;
      path = normPath(posix.join(posix.dirname(path), e.linkname));
    }
    throw new Error(`image archive: too many links at ${name}`);
  };
  const manifest = JSON.parse(resolve('manifest.json').data.toString('utf8')) as Array<{ Config: string; Layers: string[] }>;
  const m = manifest[0];
  if (!m) throw new Error('image archive: empty manifest.json');
  const config = JSON.parse(resolve(m.Config).data.toString('utf8')) as RawConfig;
  const diffIds = config.rootfs?.diff_ids ?? [];
  const layers = m.Layers.map((l, i) => {
    const tar = resolve(l).data;
    return { key: diffIds[i] ?? createHash('sha256').update(tar).digest('hex'), tar };
  });
  return { config, configName: m.Config, layers };
}

function strings(v: unknown): string[] | null {
  return Array.isArray(v) && v.length > 0 ? v.map(String) : null;
}

function keys(v: unknown): string[] {
  return v && typeof v === 'object' ? Object.keys(v).sort() : [];
}

/** The runtime config fields the contracts compare, with empty and absent made the same. */
export function configView(raw: Record<string, unknown> | undefined): ImageConfigView {
  const c = raw ?? {};
  const labels: Record<string, string> = {};
  const rawLabels = c['Labels'];
  if (rawLabels && typeof rawLabels === 'object') {
    for (const k of Object.keys(rawLabels).sort()) labels[k] = String((rawLabels as Record<string, unknown>)[k]);
  }
  const wd = typeof c['WorkingDir'] === 'string' ? (c['WorkingDir'] as string) : '';
  return {
    Env: (strings(c['Env']) ?? []).slice().sort(),
    Cmd: strings(c['Cmd']),
    Entrypoint: strings(c['Entrypoint']),
    WorkingDir: wd === '' ? '/' : wd,
    User: typeof c['User'] === 'string' ? (c['User'] as string) : '',
    ExposedPorts: keys(c['ExposedPorts']),
    Volumes: keys(c['Volumes']),
    Labels: labels,
    Shell: strings(c['Shell']),
    Healthcheck: c['Healthcheck'] ?? null,
    StopSignal: typeof c['StopSignal'] === 'string' ? (c['StopSignal'] as string) : '',
    OnBuild: strings(c['OnBuild']) ?? [],
  };
}

/** Reads a docker-archive (as written by `docker save` or buildah's docker-archive transport). */
export function snapshotFromArchive(archive: Buffer, engine: EngineName, ref: string): ImageSnapshot {
  const { config, configName, layers } = readArchive(archive);
  const state = applyLayers(layers.map((l) => layerOps(l.tar, l.key)));
  const files: Record<string, FsEntry> = {};
  for (const path of [...state.keys()].sort()) {
    if (ALWAYS_SKIPPED.some((p) => underPrefix(path, p))) continue;
    files[path] = state.get(path) as FsEntry;
  }
  return {
    engine,
    ref,
    id: posix.basename(configName).replace(/\.json$/, ''),
    files,
    config: configView(config.config),
    layerCount: layers.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface CompareOptions {
  /**
   * Path prefixes to leave out (whole segments: `/var/lib/apt/lists` covers
   * `/var/lib/apt/lists/x`, not `/var/lib/apt/lists2`). This is the `identical-except-caches`
   * contract: the transform lists its cache paths. A folder that exists on one side only and
   * holds nothing but ignored paths (such as `/root/.cache` around an ignored
   * `/root/.cache/pip`) is ignored too.
   */
  ignorePaths?: readonly string[];
  /** Config fields to leave out (default: none). */
  ignoreConfig?: ReadonlyArray<keyof ImageConfigView>;
  /** How many differences to list (default 30). */
  limit?: number;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function quote(s: string, max = 60): string {
  const j = JSON.stringify(s);
  return j.length > max ? j.slice(0, max - 4) + '…"' : j;
}

export function describeEntry(e: FsEntry): string {
  const own = `${e.uid}:${e.gid}`;
  switch (e.type) {
    case 'file':
      return `file ${octal(e.mode)} ${own} ${e.size ?? 0}B sha256:${(e.sha256 ?? '').slice(0, 12)}${e.text !== undefined ? ' ' + quote(e.text, 40) : ''}`;
    case 'symlink':
      return `symlink ${own} → ${e.target ?? ''}`;
    case 'char':
    case 'block':
      return `${e.type} ${octal(e.mode)} ${own} ${e.dev ?? ''}`;
    default:
      return `${e.type} ${octal(e.mode)} ${own}`;
  }
}

function entryDiff(a: FsEntry, b: FsEntry): string[] {
  const out: string[] = [];
  if (a.type !== b.type) return [`type ${describeEntry(a)} → ${describeEntry(b)}`];
  if (a.mode !== b.mode && a.type !== 'symlink') out.push(`mode ${octal(a.mode)} → ${octal(b.mode)}`);
  if (a.uid !== b.uid || a.gid !== b.gid) out.push(`owner ${a.uid}:${a.gid} → ${b.uid}:${b.gid}`);
  if (a.sha256 !== b.sha256) {
    out.push(
      a.text !== undefined && b.text !== undefined
        ? `content ${quote(a.text)} → ${quote(b.text)}`
        : `content sha256:${(a.sha256 ?? '').slice(0, 12)} (${a.size ?? 0}B) → sha256:${(b.sha256 ?? '').slice(0, 12)} (${b.size ?? 0}B)`,
    );
  }
  if (a.target !== b.target) out.push(`link ${a.target ?? ''} → ${b.target ?? ''}`);
  if (a.dev !== b.dev) out.push(`device ${a.dev ?? ''} → ${b.dev ?? ''}`);
  return out;
}

/**
 * Compares two snapshots for the `identical` contract (or `identical-except-caches` with
 * `ignorePaths`). Returns null when they are the same, else a readable list of differences:
 * `- /path` only in a, `+ /path` only in b, `~ /path` changed, `config.Field` changed.
 */
export function compareImages(a: ImageSnapshot, b: ImageSnapshot, opts: CompareOptions = {}): string | null {
  const ignore = opts.ignorePaths ?? [];
  const limit = opts.limit ?? 30;
  const ignored = (p: string): boolean => ignore.some((pre) => underPrefix(p, pre));
  const holdsIgnored = (p: string): boolean => ignore.some((pre) => underPrefix(pre, p) && pre !== p);
  const onlyIgnoredInside = (snap: ImageSnapshot, dir: string): boolean => {
    if (!holdsIgnored(dir)) return false;
    for (const k of Object.keys(snap.files)) {
      if (!k.startsWith(dir + '/')) continue;
      const e = snap.files[k] as FsEntry;
      if (!ignored(k) && !(e.type === 'dir' && holdsIgnored(k))) return false;
    }
    return true;
  };

  const fsLines: string[] = [];
  const paths = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort();
  for (const p of paths) {
    if (ignored(p)) continue;
    const ea = a.files[p];
    const eb = b.files[p];
    if (ea && !eb) {
      if (!(ea.type === 'dir' && onlyIgnoredInside(a, p))) fsLines.push(`- ${p}  (${describeEntry(ea)})`);
    } else if (!ea && eb) {
      if (!(eb.type === 'dir' && onlyIgnoredInside(b, p))) fsLines.push(`+ ${p}  (${describeEntry(eb)})`);
    } else if (ea && eb) {
      const d = entryDiff(ea, eb);
      if (d.length > 0) fsLines.push(`~ ${p}: ${d.join('; ')}`);
    }
  }

  const cfgLines: string[] = [];
  const skipCfg = new Set(opts.ignoreConfig ?? []);
  for (const k of Object.keys(a.config) as Array<keyof ImageConfigView>) {
    if (skipCfg.has(k)) continue;
    const va = JSON.stringify(a.config[k]);
    const vb = JSON.stringify(b.config[k]);
    if (va !== vb) cfgLines.push(`config.${k}: ${va} → ${vb}`);
  }

  const all = [...cfgLines, ...fsLines];
  if (all.length === 0) return null;
  const head = `images differ (a: ${a.engine} ${a.ref}, b: ${b.engine} ${b.ref}): ${fsLines.length} filesystem and ${cfgLines.length} config difference(s)`;
  const shown = all.slice(0, limit).map((l) => '  ' + l);
  if (all.length > limit) shown.push(`  … and ${all.length - limit} more`);
  return [head, ...shown].join('\n');
}
