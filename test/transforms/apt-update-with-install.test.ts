/**
 * apt-update-with-install fixture pairs (see fixture-runner.ts): a lone index refresh moves into
 * the RUN that installs, and every skip says why.
 */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { describeFixtures, readFixture } from './fixture-runner.js';

describeFixtures({
  id: 'apt-update-with-install',
  minCases: 25,
  reasons: {
    'skip-run-between': /`RUN mkdir -p \/app` runs between the update and the install and might read the package index/,
    'skip-user-between': /`USER nobody` between them changes who would run the update/,
    'skip-copy-into-etc': /writes where package-manager configuration lives \(\/etc\)/,
    'skip-copy-relative-unknown-workdir': /copies relative to a WORKDIR this file does not set/,
    'skip-env-proxy': /sets http_proxy, which may change what the update fetches/,
    'skip-flags-differ': /^their flags differ \(none vs --mount=type=cache,target=\/var\/cache\/apt\)$/,
    'skip-exec-form-install': /exec form, which runs no shell/,
    'skip-comment-in-install': /# comment/,
    'skip-update-not-chain': /is not a plain && chain/,
    'skip-trailing-update-loses-state': /change shell state .* that the update would lose/,
    'skip-shell-between': /changes the shell the update would run in/,
    'skip-heredoc-install': /uses a heredoc/,
  },
});

describe('apt-update-with-install findings', () => {
  it('says which RUN the update joins, with the line of the install', async () => {
    const fixture = readFixture('apt-update-with-install', 'neutral-between');
    const { findings } = await optimize(fixture.input.toString('utf8'), fixture.options);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ applied: true, contract: 'identical-except-caches' });
    expect(findings[0]!.message).toMatch(/^Move `apt-get update` into `RUN apt-get install .*`, which installs$/);
    expect(findings[0]!.range).toMatchObject({ startLine: 2, endLine: 8 });
  });

  it('runs by default, and --skip turns it off', async () => {
    const { input } = readFixture('apt-update-with-install', 'basic');
    const text = input.toString('utf8');
    expect((await optimize(text)).output).toContain('RUN apt-get update && apt-get install -y curl');
    expect((await optimize(text, { skip: ['apt-update-with-install', 'merge-runs'] })).output).toContain('RUN apt-get update\n');
  });

  it('declares the index folders it may change', async () => {
    const { findTransform } = await import('../../src/index.js');
    expect(findTransform('apt-update-with-install')!.cachePaths).toEqual(expect.arrayContaining(['/var/lib/apt/lists', '/var/cache/apt', '/var/cache/apk']));
  });
});
