/**
 * package.json knowledge shared by the Node package managers (npm, yarn, pnpm, bun).
 *
 * Reading a manifest, expanding workspace globs (`dir`, `dir/*`, `dir/*\/sub`; anything else is
 * refused, never guessed), and the two ways an install may read more than manifests: a
 * dependency on a local path (its files are copied or linked), and a lifecycle script or a
 * binding.gyp (the tool runs code that may read any source file).
 */
import type { InstallDirectory } from './types.js';

/** Root-package scripts the Node package managers run during an install. */
export const LIFECYCLE_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];
/** `file:`, `link:`, `portal:` and bare relative or home paths. */
export const LOCAL_SPEC = /^(file:|link:|portal:|\.{0,2}\/|~\/)/;

export interface PackageJson {
  scripts?: Record<string, unknown>;
  workspaces?: unknown;
  [field: string]: unknown;
}

export function readPackageJson(directory: InstallDirectory, relative: string): PackageJson | string {
  const text = directory.readText(relative);
  if (text === null) return `${relative} is not in the build context`;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as PackageJson;
  } catch {
    // fall through
  }
  return `${relative} is not valid JSON`;
}

/** A plain object field of a manifest, or null. */
export function objectField(json: Record<string, unknown>, field: string): Record<string, unknown> | null {
  const value = json[field];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The member folders named by package.json's `workspaces` field (an array, or `{ packages }`). */
export function workspaceMembers(directory: InstallDirectory, workspaces: unknown): string[] | string {
  if (workspaces === undefined) return [];
  const patterns = Array.isArray(workspaces)
    ? workspaces
    : typeof workspaces === 'object' && workspaces !== null && Array.isArray((workspaces as { packages?: unknown }).packages)
      ? (workspaces as { packages: unknown[] }).packages
      : null;
  if (!patterns || !patterns.every((p): p is string => typeof p === 'string')) return 'package.json has a workspaces field dockeropt cannot read';
  return expandWorkspaces(directory, patterns);
}

/** Expands workspace globs of the forms `dir`, `dir/*` and `dir/*\/sub` to the folders holding a package.json. */
export function expandWorkspaces(directory: InstallDirectory, patterns: readonly string[]): string[] | string {
  const members = new Set<string>();
  for (const pattern of patterns) {
    const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '');
    if (/[?[\]{}!]|\*\*/.test(clean) || clean.startsWith('..')) return `the workspace pattern "${pattern}" is not supported yet`;
    let candidates = [''];
    for (const segment of clean.split('/')) {
      const next: string[] = [];
      for (const base of candidates) {
        const prefix = base ? `${base}/` : '';
        if (!segment.includes('*')) {
          if (directory.isSentDirectory(`${prefix}${segment}`)) next.push(`${prefix}${segment}`);
          continue;
        }
        const listing = directory.sentUnder(base);
        if (listing === 'too-many') return `too many files under ${base || 'the context'} to expand "${pattern}"`;
        const matcher = new RegExp(`^${segment.split('*').map((s) => s.replace(/[.+^${}()|\\]/g, '\\$&')).join('[^/]*')}$`);
        for (const file of listing) {
          const child = file.slice(prefix.length).split('/')[0]!;
          if (file.slice(prefix.length).includes('/') && matcher.test(child)) next.push(`${prefix}${child}`);
        }
      }
      candidates = [...new Set(next)];
    }
    for (const candidate of candidates) if (directory.isSent(`${candidate}/package.json`)) members.add(candidate);
  }
  return [...members].sort();
}

/** The first dependency whose spec names a local path, as a skip reason. */
export function localDependencyReason(json: PackageJson, manifest: string, isLocal: (spec: string) => boolean = (spec) => LOCAL_SPEC.test(spec)): string | null {
  for (const field of DEPENDENCY_FIELDS) {
    const deps = json[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec === 'string' && isLocal(spec)) return `${manifest} depends on the local path ${spec} (${name})`;
    }
  }
  return null;
}

export interface ScriptRunner {
  /** Who runs the scripts, for messages: `npm ci`. */
  runner: string;
  /** The tool that runs node-gyp for a binding.gyp. */
  tool: string;
  /** How to turn the scripts off. */
  hint?: string;
  /** The root-package scripts this tool runs during an install. */
  scripts?: readonly string[];
}

/** Why the install runs code of this package that may read sources: a lifecycle script or a binding.gyp. */
export function scriptReason(json: PackageJson, manifest: string, directory: InstallDirectory, by: ScriptRunner): string | null {
  const scripts = typeof json.scripts === 'object' && json.scripts !== null ? json.scripts : {};
  const lifecycle = (by.scripts ?? LIFECYCLE_SCRIPTS).find((script) => script in scripts);
  if (lifecycle) {
    return `${manifest} has a \`${lifecycle}\` script, which ${by.runner} runs and which may read source files (${by.hint ?? 'add --ignore-scripts if it does not'})`;
  }
  const directoryOf = manifest.slice(0, -'package.json'.length);
  if (directory.isSent(`${directoryOf}binding.gyp`)) return `${directoryOf}binding.gyp makes ${by.tool} run node-gyp, which reads the sources`;
  return null;
}

/** The manifests of the root and its members, each parsed, or the first reason one cannot be read. */
export function readManifests(directory: InstallDirectory, root: PackageJson, members: readonly string[]): { manifest: string; json: PackageJson }[] | string {
  const result = [{ manifest: 'package.json', json: root }];
  for (const member of members) {
    const manifest = `${member}/package.json`;
    const json = readPackageJson(directory, manifest);
    if (typeof json === 'string') return json;
    result.push({ manifest, json });
  }
  return result;
}

/** Those of `files` the builder receives. */
export function sentFiles(directory: InstallDirectory, files: readonly string[]): string[] {
  return files.filter((file) => directory.isSent(file));
}
