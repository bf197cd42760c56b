/**
 * split-dependency-copy fixtures: each directory under fixtures/split-dependency-copy/ holds
 * input.Dockerfile, the expected output.Dockerfile (== input when the transform must skip), and
 * context/, the build context it is run against. Cases named skip-* must say why they skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findProblems } from '../../src/engine/problems.js';
import { optimize } from '../../src/index.js';
import { parseDockerfile } from '../../src/model/dockerfile.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'split-dependency-copy');
const cases = readdirSync(FIXTURES).sort();

describe('split-dependency-copy fixtures', () => {
  it.each(cases)('%s', async (name) => {
    const dir = path.join(FIXTURES, name);
    const input = readFileSync(path.join(dir, 'input.Dockerfile'), 'utf8');
    const expected = readFileSync(path.join(dir, 'output.Dockerfile'), 'utf8');
    const options = { only: ['split-dependency-copy'], contextDir: path.join(dir, 'context') };
    expect(existsSync(options.contextDir)).toBe(true);

    const result = await optimize(input, options);
    expect(result.output).toBe(expected);
    expect(findProblems(parseDockerfile(result.output))).toEqual([]);
    const again = await optimize(result.output, options);
    expect(again.output).toBe(result.output);

    const skips = result.findings.filter((f) => !f.fixable);
    if (name.startsWith('skip-')) {
      expect(result.output).toBe(input);
      expect(skips.length).toBe(1);
      expect(skips[0]!.reason).not.toBe('');
    } else {
      expect(skips).toEqual([]);
    }
  });
});

describe('split-dependency-copy reasons', () => {
  const reasons: Record<string, RegExp> = {
    'skip-npm-node-modules-sent': /sends node_modules.*add it to \.dockerignore/,
    'skip-npm-postinstall': /`postinstall` script/,
    'skip-npm-install': /may rewrite package-lock\.json/,
    'skip-npm-no-lockfile': /needs package-lock\.json/,
    'skip-npm-lockfile-ignored': /needs package-lock\.json/,
    'skip-npm-local-dependency': /local path file:\.\/lib/,
    'skip-package-manager-variable-prefix': /install sets npm_config_userconfig/,
    'skip-workdir-between-relative-copy': /a WORKDIR between the COPY and the install changes what its relative destination/,
    'skip-install-behind-redirect': /not part of a plain && chain/,
    'skip-package-manager-env': /sets npm_config_userconfig, which may change which files/,
    'skip-run-between': /`RUN .\/configure` runs between the COPY and the install/,
    'skip-install-outside-copy': /outside the folder the COPY fills/,
    'skip-command-before-install': /runs before the install/,
    'skip-pip-editable': /editable/,
    'skip-pip-install-dot': /reads files from the context/,
    'skip-go-local-replace': /local directory \.\/lib/,
    'skip-yarn-install-not-frozen': /may rewrite yarn\.lock.*add --frozen-lockfile/,
    'skip-yarn-classic-immutable': /yarn 1 ignores --immutable/,
    'skip-yarn-berry-unpinned': /neither yarnPath nor package\.json's packageManager/,
    'skip-pnpm-install-not-frozen': /may rewrite pnpm-lock\.yaml.*add --frozen-lockfile/,
    'skip-pnpm-pnpmfile-reads-files': /\.pnpmfile\.cjs loads fs/,
    'skip-bun-install-not-frozen': /may rewrite the lockfile.*add --frozen-lockfile/,
    'skip-poetry-install-root': /installs the project itself.*add --no-root/,
    'skip-poetry-path-dependency': /poetry\.lock installs a package from a local directory/,
    'skip-uv-sync-installs-project': /installs the project itself.*add --no-install-project/,
    'skip-uv-sync-not-locked': /may rewrite uv\.lock.*add --locked or --frozen/,
    'skip-pipenv-install-without-deploy': /may rewrite Pipfile\.lock.*add --deploy/,
    'skip-bundler-install-not-frozen': /may rewrite Gemfile\.lock.*frozen true/,
    'skip-bundler-gemspec': /says `gemspec`/,
    'skip-composer-scripts': /`post-install-cmd` script.*add --no-scripts/,
    'skip-composer-classmap': /classmap.*add --no-autoloader/,
    'skip-mix-deps-get-unchecked': /rewrites mix\.lock.*add --check-locked/,
    'skip-cargo-build': /cargo needs the crate's sources.*cargo-chef/,
    'skip-cargo-fetch': /cargo needs the crate's sources.*cargo-chef/,
    'skip-npm-workspace-root-above-install': /npm also looks for package\.json above it/,
    'skip-go-work-above-module': /go also looks for go\.work above it/,
    'skip-symlinked-npmrc': /\.npmrc is a symbolic link/,
    'skip-maven-target-sent': /sends target, where Maven may pick up a jar.*\.dockerignore/,
    'skip-maven-profile-file-activation': /profile activated by a file's presence/,
    'skip-maven-parent-outside': /parent POM at \.\.\/parent\/pom\.xml, outside the folder/,
    'skip-maven-core-extensions': /\.mvn\/extensions\.xml loads Maven core extensions/,
    'skip-gradle-buildsrc': /buildSrc\/ holds plugin code/,
    'skip-gradle-script-reads-file': /build\.gradle uses .*may read files or run commands/,
    'skip-gradle-unknown-plugin': /applies the plugin com\.google\.protobuf/,
    'skip-gradle-write-locks': /--write-locks writes lock or verification files/,
    'skip-gradle-build-dir-sent': /sends build, which the moved COPY would copy over/,
    'skip-gradle-custom-download-task': /`downloadDependencies` is not Gradle's built-in dependencies task/,
    'skip-dotnet-import': /Tool\.csproj imports build\/versions\.props/,
    'skip-dotnet-lock-file-not-locked': /packages\.lock\.json exists.*add --locked-mode/,
    'skip-dotnet-obj-sent': /sends obj, which the moved COPY would copy over/,
    'skip-dotnet-local-package-source': /local package source \.\/packages/,
    'skip-dotnet-wildcard-reference': /references \.\.\\Plugins\\\*\*\\\*\.csproj, through a wildcard/,
    'no-finding-copy-from-stage': /^$/,
  };
  it.each(Object.entries(reasons))('%s', async (name, reason) => {
    const dir = path.join(FIXTURES, name);
    const input = readFileSync(path.join(dir, 'input.Dockerfile'), 'utf8');
    const { findings } = await optimize(input, { only: ['split-dependency-copy'], contextDir: path.join(dir, 'context') });
    if (reason.source === '^$') expect(findings).toEqual([]);
    else expect(findings.map((f) => f.reason).join('\n')).toMatch(reason);
  });

  it('without a build context it skips and says so', async () => {
    const { output, findings } = await optimize('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', { only: ['split-dependency-copy'] });
    expect(output).toBe('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n');
    expect(findings[0]!.reason).toMatch(/build context is not available/);
  });
});
