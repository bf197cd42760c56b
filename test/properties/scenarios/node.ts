/**
 * npm, yarn (classic and berry) and pnpm projects. They share package.json and the files around
 * it: dependencies, a lifecycle script that reads the sources, a dependency on a local path,
 * workspace members (one of them often left out by .dockerignore), node_modules sent in the
 * context, .npmrc, and a workspace root above the folder when the install runs in a subfolder.
 */
import fc from 'fast-check';
import { ignoreArb, json, middleArb, oneIn, parentArb, parentFiles, weighted, type EcosystemScenarios, type Files } from './common.js';

export const nodeProject = fc.record({
  deps: fc.dictionary(fc.constantFrom('left-pad', 'lodash', 'express', 'chalk'), fc.constantFrom('1.0.0', '2.1.3', '^4.17.21'), { maxKeys: 3 }),
  devDeps: fc.boolean(),
  /** A root script the install runs; it reads a source file. */
  lifecycle: weighted<string | null>([null, 5], ['postinstall', 1], ['prepare', 1], ['preinstall', 1]),
  localDep: oneIn(6),
  workspaces: fc.boolean(),
  nodeModulesSent: oneIn(3),
  npmrc: fc.boolean(),
  source: fc.constantFrom('console.log(1)\n', 'console.log(2)\n', 'export {}\n'),
  /** Above a subfolder install: nothing, a README, or a workspace root that lists the subfolder. */
  parent: parentArb,
});
export type NodeProject = typeof nodeProject extends fc.Arbitrary<infer T> ? T : never;

export const nodeMiddle = middleArb(['ENV NODE_ENV=production']);
/** After the install: nothing, the tool running the build script, or a command that reads a source. */
export const nodeThen = (...tool: string[]) => fc.constantFrom(null, ...tool, 'cp src/index.js built.js');

/**
 * package.json (with `extra` fields), the sources, and what `p` adds. `workspaces` says where
 * members are declared: package.json's field (npm, yarn) or pnpm-workspace.yaml.
 */
export function nodeFiles(p: NodeProject, options: { localSpec: string; workspaces: 'package.json' | 'pnpm-workspace.yaml'; extra?: Record<string, unknown> }): Files {
  const scripts: Record<string, string> = { build: 'cat src/index.js > dist.js' };
  if (p.lifecycle) scripts[p.lifecycle] = `cat src/index.js > ${p.lifecycle}.out`;
  const manifest: Record<string, unknown> = {
    name: 'app',
    version: '1.0.0',
    scripts,
    dependencies: { ...p.deps, ...(p.localDep ? { lib: options.localSpec } : {}) },
    ...(p.devDeps ? { devDependencies: { vitest: '^1.0.0' } } : {}),
    ...(p.workspaces && options.workspaces === 'package.json' ? { workspaces: ['packages/*'] } : {}),
    ...options.extra,
  };
  const files: Files = { 'package.json': json(manifest), 'src/index.js': p.source, 'README.md': '# app\n' };
  if (p.workspaces) {
    files['packages/a/package.json'] = json({ name: 'a', version: '1.0.0' });
    files['packages/a/index.js'] = 'module.exports = 1\n';
    files['packages/b/package.json'] = json({ name: 'b', version: '1.0.0', dependencies: { chalk: '5.0.0' } });
    if (options.workspaces === 'pnpm-workspace.yaml') files['pnpm-workspace.yaml'] = 'packages:\n  - "packages/*"\n';
  }
  if (p.localDep) files['lib/package.json'] = json({ name: 'lib', version: '0.1.0' });
  if (p.nodeModulesSent) files['node_modules/stale/index.js'] = 'stale\n';
  if (p.npmrc) files['.npmrc'] = 'fund=false\n';
  return files;
}

export const packageJsonRoot: Files = { 'package.json': json({ name: 'repo', private: true, workspaces: ['svc'] }) };

export const npm: EcosystemScenarios = {
  ecosystem: 'npm',
  base: 'node:20',
  cmd: ['node', 'src/index.js'],
  project: fc
    .record({
      node: nodeProject,
      middle: nodeMiddle,
      lockfile: weighted<string | null>(['package-lock.json', 4], ['npm-shrinkwrap.json', 1], [null, 1]),
      ignoreScripts: fc.boolean(),
      omitDev: fc.boolean(),
      ignore: ignoreArb(['node_modules', '*.md', 'packages/b', '.npmrc'], ['package-lock.json', 'package.json']),
      then: nodeThen('npm run build'),
    })
    .map((s) => {
      const files = nodeFiles(s.node, { localSpec: 'file:./lib', workspaces: 'package.json' });
      if (s.lockfile) files[s.lockfile] = json({ name: 'app', lockfileVersion: 3, packages: { '': { dependencies: s.node.deps } } });
      return {
        files,
        ignore: s.ignore,
        parent: parentFiles(s.node.parent, packageJsonRoot),
        middle: s.middle,
        install: `npm ci${s.ignoreScripts ? ' --ignore-scripts' : ''}${s.omitDev ? ' --omit=dev' : ''}`,
        then: s.then,
      };
    }),
};

/**
 * Which yarn runs, as the context pins it: classic (none, packageManager yarn@1, .yarnrc's
 * yarn-path, or a yarn 1 release named by .yarnrc.yml's yarnPath), berry (a yarn 4 release named
 * by yarnPath, or packageManager yarn@4), or a .yarnrc.yml that pins nothing.
 */
const yarnFlavor = fc.constantFrom('classic', 'classic-pinned', 'classic-yarnrc-path', 'classic-release', 'berry-release', 'berry-pinned', 'berry-pinned', 'unpinned');
const YARN1_RELEASE = '.yarn/releases/yarn-1.22.19.cjs';
const YARN4_RELEASE = '.yarn/releases/yarn-4.1.0.cjs';

export const yarn: EcosystemScenarios = {
  ecosystem: 'yarn',
  base: 'node:20',
  cmd: ['node', 'src/index.js'],
  project: fc
    .record({
      node: nodeProject,
      middle: nodeMiddle,
      flavor: yarnFlavor,
      lockfile: weighted([true, 5], [false, 1]),
      /**
       * Whether the flag holds the lockfile (classic: --frozen-lockfile or --pure-lockfile, berry:
       * --immutable or --frozen-lockfile), and which one; unfrozen: none, or the other flavor's
       * (classic ignores --immutable, berry has no --pure-lockfile).
       */
      frozen: weighted([true, 5], [false, 1]),
      whichFlag: fc.boolean(),
      /** classic --ignore-scripts, berry --mode=skip-build */
      scriptsOff: fc.boolean(),
      production: fc.boolean(),
      bare: fc.boolean(),
      corepack: fc.boolean(),
      classicRc: weighted<string | null>([null, 3], ['network-timeout 600000', 2], ['--install.modules-folder vendor_modules', 1]),
      nodeLinker: fc.boolean(),
      globalCache: fc.boolean(),
      plugin: fc.boolean(),
      /** Zero-install style: the berry cache committed and sent. */
      cacheSent: oneIn(4),
      ignore: ignoreArb(['node_modules', '*.md', '.yarn/cache', '.yarn/*\n!.yarn/releases\n!.yarn/plugins', 'packages/b', '.npmrc'], ['yarn.lock', '.yarnrc.yml', '.yarn/releases']),
      then: nodeThen('yarn build', 'yarn run build'),
    })
    .map((s) => {
      const berry = s.flavor.startsWith('berry') || s.flavor === 'unpinned';
      const packageManager = s.flavor === 'classic-pinned' ? 'yarn@1.22.19' : s.flavor === 'berry-pinned' ? 'yarn@4.1.0' : null;
      const files = nodeFiles(s.node, {
        localSpec: berry ? 'portal:./lib' : 'file:./lib',
        workspaces: 'package.json',
        extra: packageManager ? { packageManager } : {},
      });
      if (s.lockfile) files['yarn.lock'] = `# yarn lockfile v1\n\n${Object.keys(s.node.deps).map((d) => `${d}@*:\n  version "1.0.0"\n`).join('\n')}`;
      const classicRc = [s.classicRc, s.flavor === 'classic-yarnrc-path' ? `yarn-path "${YARN1_RELEASE}"` : null].filter(Boolean);
      if (classicRc.length > 0) files['.yarnrc'] = `${classicRc.join('\n')}\n`;
      const yarnrcYml: string[] = [];
      if (s.flavor === 'classic-release') yarnrcYml.push(`yarnPath: ${YARN1_RELEASE}`);
      if (s.flavor === 'berry-release') yarnrcYml.push(`yarnPath: ${YARN4_RELEASE}`);
      if (berry) {
        if (s.nodeLinker || s.flavor === 'unpinned') yarnrcYml.push('nodeLinker: node-modules');
        if (s.globalCache) yarnrcYml.push('enableGlobalCache: true');
        if (s.plugin) {
          yarnrcYml.push('plugins:', '  - path: .yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs', '    spec: "@yarnpkg/plugin-workspace-tools"');
          files['.yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs'] = '// plugin\n';
        }
        if (s.cacheSent) files['.yarn/cache/chalk-npm-5.0.0-0123456789.zip'] = 'zip\n';
      }
      if (yarnrcYml.length > 0) files['.yarnrc.yml'] = `${yarnrcYml.join('\n')}\n`;
      if (s.flavor === 'classic-release' || s.flavor === 'classic-yarnrc-path') files[YARN1_RELEASE] = '// yarn 1.22.19\n';
      if (s.flavor === 'berry-release') files[YARN4_RELEASE] = '// yarn 4.1.0\n';
      const freeze = s.frozen
        ? (berry ? (s.whichFlag ? '--immutable' : '--frozen-lockfile') : s.whichFlag ? '--frozen-lockfile' : '--pure-lockfile')
        : s.whichFlag ? (berry ? '--pure-lockfile' : '--immutable') : '';
      const flags = [
        freeze,
        s.scriptsOff ? (berry ? '--mode=skip-build' : '--ignore-scripts') : '',
        s.production && !berry ? '--production' : '',
      ].filter(Boolean);
      const install = `${s.corepack ? 'corepack enable && ' : ''}yarn${s.bare && flags.length > 0 ? '' : ' install'}${flags.map((f) => ` ${f}`).join('')}`;
      return {
        files,
        ignore: s.ignore,
        parent: parentFiles(s.node.parent, packageJsonRoot),
        middle: s.middle,
        install,
        then: s.then,
      };
    }),
};

const PNPM_COMMANDS = [
  'pnpm install --frozen-lockfile',
  'pnpm i --frozen-lockfile',
  'pnpm install --frozen-lockfile --prod',
  'pnpm install',
  'pnpm fetch',
  'pnpm fetch && pnpm install --offline --frozen-lockfile',
  'pnpm fetch --prod && pnpm install -r --offline --prod --frozen-lockfile',
];

export const pnpm: EcosystemScenarios = {
  ecosystem: 'pnpm',
  base: 'node:20',
  cmd: ['node', 'src/index.js'],
  project: fc
    .record({
      node: nodeProject,
      middle: nodeMiddle,
      command: fc.constantFrom(...PNPM_COMMANDS),
      ignoreScripts: fc.boolean(),
      corepack: fc.constantFrom('', 'corepack enable && ', 'corepack enable pnpm && '),
      lockfile: weighted([true, 5], [false, 1]),
      /** Members declared where pnpm looks (pnpm-workspace.yaml), or only in package.json, which pnpm ignores. */
      workspaceFile: weighted<'pnpm-workspace.yaml' | 'package.json'>(['pnpm-workspace.yaml', 2], ['package.json', 1]),
      npmrc: weighted<string | null>([null, 3], ['auto-install-peers=true', 2], ['store-dir=/pnpm-store', 2], ['modules-dir=vendor_modules', 1]),
      pnpmfile: weighted<string | null>([null, 3], ['plain', 2], ['reads-files', 1]),
      /** Patch files: one named by pnpm.patchedDependencies, and/or a stale one nothing names. */
      patches: fc.constantFrom(null, 'named', 'named+stale', 'stale'),
      ignore: ignoreArb(['node_modules', '*.md', 'packages/b', '.npmrc', '.pnpmfile.cjs'], ['pnpm-lock.yaml', 'patches']),
      then: nodeThen('pnpm run build', 'pnpm build'),
    })
    .map((s) => {
      const patched = s.patches === 'named' || s.patches === 'named+stale';
      const files = nodeFiles(s.node, {
        localSpec: 'link:./lib',
        workspaces: s.workspaceFile,
        extra: patched ? { pnpm: { patchedDependencies: { 'left-pad@1.0.0': 'patches/left-pad@1.0.0.patch' } } } : {},
      });
      if (s.lockfile) files['pnpm-lock.yaml'] = pnpmLock(s.node.deps, s.node.workspaces);
      if (s.npmrc) files['.npmrc'] = `${files['.npmrc'] ?? ''}${s.npmrc}\n`;
      if (s.pnpmfile === 'plain') files['.pnpmfile.cjs'] = 'module.exports = { hooks: { readPackage (pkg) { return pkg } } }\n';
      if (s.pnpmfile === 'reads-files') {
        files['.pnpmfile.cjs'] = "const fs = require('fs')\nmodule.exports = { hooks: { readPackage (pkg) { fs.existsSync('src'); return pkg } } }\n";
      }
      if (patched) files['patches/left-pad@1.0.0.patch'] = '--- a/index.js\n+++ b/index.js\n';
      if (s.patches?.endsWith('stale')) files['patches/old.patch'] = '--- a/old.js\n+++ b/old.js\n';
      // --ignore-scripts goes on the install, never on `pnpm fetch`, which runs no scripts.
      const command = s.ignoreScripts && !/pnpm fetch[^&]*$/.test(s.command) ? `${s.command} --ignore-scripts` : s.command;
      return {
        files,
        ignore: s.ignore,
        parent: parentFiles(s.node.parent, { 'pnpm-workspace.yaml': 'packages:\n  - svc\n' }),
        middle: s.middle,
        install: `${s.corepack}${command}`,
        then: s.then,
      };
    }),
};

function pnpmLock(deps: Record<string, string>, workspaces: boolean): string {
  const importer = (names: string[]) => (names.length === 0 ? ' {}' : `\n    dependencies:\n${names.map((n) => `      ${n}:\n        specifier: 1.0.0\n        version: 1.0.0\n`).join('')}`);
  const importers = [`  .:${importer(Object.keys(deps))}`, ...(workspaces ? ['  packages/a: {}', `  packages/b:${importer(['chalk'])}`] : [])];
  const packages = [...new Set([...Object.keys(deps), ...(workspaces ? ['chalk'] : [])])].map((n) => `  ${n}@1.0.0:\n    resolution: {integrity: sha512-abc}\n`);
  return `lockfileVersion: '9.0'\n\nimporters:\n\n${importers.join('\n')}\n\npackages:\n\n${packages.join('\n')}`;
}
