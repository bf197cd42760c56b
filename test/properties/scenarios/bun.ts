/**
 * bun projects: the package.json of the npm scenarios (dependencies, a root lifecycle script that
 * reads the sources, a `file:` dependency, workspace members, node_modules and .npmrc sent) with
 * bun's own files around it: bun.lock, the older binary bun.lockb, or none; a lockfile that lost a
 * dependency (a frozen install fails on both sides alike); bunfig.toml; a patch file named by
 * patchedDependencies; and the flags (--frozen-lockfile, --ignore-scripts, --production).
 */
import fc from 'fast-check';
import { ignoreArb, oneIn, parentFiles, weighted, type EcosystemScenarios } from './common.js';
import { nodeFiles, nodeMiddle, nodeProject, nodeThen, packageJsonRoot, type NodeProject } from './node.js';

/** Every dependency name the root and the members declare, as the lockfile names them. */
function lockedNames(p: NodeProject): string[] {
  return [...Object.keys(p.deps), ...(p.devDeps ? ['vitest'] : []), ...(p.localDep ? ['lib'] : []), ...(p.workspaces ? ['chalk'] : [])];
}

function bunLock(names: readonly string[]): string {
  const packages = names.map((n) => `    "${n}": ["${n}@1.0.0", "", {}, "sha512-0000"],`);
  return `{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "app",\n    },\n  },\n  "packages": {\n${packages.join('\n')}\n  }\n}\n`;
}

export const bun: EcosystemScenarios = {
  ecosystem: 'bun',
  base: 'oven/bun:1',
  cmd: ['bun', 'src/index.js'],
  project: fc
    .record({
      node: nodeProject,
      middle: nodeMiddle,
      lockfile: weighted<'bun.lock' | 'bun.lockb' | null>(['bun.lock', 4], ['bun.lockb', 1], [null, 1]),
      /** The lockfile lacks a dependency package.json names. */
      stale: oneIn(6),
      frozen: weighted([true, 5], [false, 1]),
      verb: fc.constantFrom('install', 'i'),
      ignoreScripts: fc.boolean(),
      production: fc.boolean(),
      bunfig: weighted<string | null>([null, 3], ['[install]\nexact = true', 2], ['[install.cache]\ndir = "/bun-cache"', 1], ['[install.cache]\ndir = ".bun-cache"', 1]),
      patch: oneIn(5),
      ignore: ignoreArb(['node_modules', '*.md', 'packages/b', '.npmrc', 'bunfig.toml'], ['bun.lock', 'bun.lockb', 'package.json', 'patches']),
      then: nodeThen('bun run build'),
    })
    .map((s) => {
      const files = nodeFiles(s.node, {
        localSpec: 'file:./lib',
        workspaces: 'package.json',
        extra: s.patch ? { patchedDependencies: { 'left-pad@1.0.0': 'patches/left-pad@1.0.0.patch' } } : {},
      });
      const names = lockedNames(s.node).slice(s.stale ? 1 : 0);
      if (s.lockfile === 'bun.lock') files['bun.lock'] = bunLock(names);
      if (s.lockfile === 'bun.lockb') files['bun.lockb'] = `#!/usr/bin/env bun\nbun-lockfile-format-v0\n${names.join('\0')}\n`;
      if (s.bunfig) files['bunfig.toml'] = `${s.bunfig}\n`;
      if (s.patch) files['patches/left-pad@1.0.0.patch'] = '--- a/index.js\n+++ b/index.js\n';
      const flags = [s.frozen ? '--frozen-lockfile' : '', s.ignoreScripts ? '--ignore-scripts' : '', s.production ? '--production' : ''].filter(Boolean);
      return {
        files,
        ignore: s.ignore,
        parent: parentFiles(s.node.parent, packageJsonRoot),
        middle: s.middle,
        install: `bun ${s.verb}${flags.map((f) => ` ${f}`).join('')}`,
        then: s.then,
      };
    }),
};
