/**
 * apt-cleanup fixture pairs (see fixture-runner.ts): the package index is removed in the RUN
 * that installs, unless something later reads it; every skip says why.
 */
import { describe, expect, it } from 'vitest';
import { findTransform, optimize } from '../../src/index.js';
import { describeFixtures, readFixture } from './fixture-runner.js';

describeFixtures({
  id: 'apt-cleanup',
  minCases: 25,
  reasons: {
    'skip-cache-mount': /the cache mount --mount=type=cache,target=\/var\/lib\/apt\/lists,sharing=locked keeps \/var\/lib\/apt\/lists out of the image already/,
    'skip-comment': /# comment, which would swallow the appended cleanup/,
    'skip-copy-from-stage': /`COPY --from=base …` copies files from that stage, which may include \/var\/lib\/apt\/lists/,
    'skip-exec-form': /exec form/,
    'skip-exit': /may exit before an appended cleanup would run/,
    'skip-heredoc': /uses a heredoc, so a cleanup cannot be appended/,
    'skip-later-script': /`RUN \/tmp\/install-extras.sh` on line 4 runs \/tmp\/install-extras.sh, which may read the package index/,
    'skip-later-xargs': /passes apt-get to `xargs`/,
    'skip-onbuild': /`ONBUILD RUN apt-get install -y git` runs apt in images built from this one/,
    'skip-piped-script': /runs a script that bash reads from its input/,
    'skip-sh-c-reads': /runs `apt-cache policy curl`, which reads the package index/,
    'skip-trailing-separator': /ends with a separator/,
    'skip-later-lists-listing': /`RUN ls \/var\/lib\/apt\/lists > \/lists.txt` on line 3 names \/var\/lib\/apt\/lists, so it may read the package index/,
  },
});

describe('apt-cleanup findings', () => {
  it('cleans the last install and says why the earlier one keeps its lists', async () => {
    const fixture = readFixture('apt-cleanup', 'child-stage-reads-lists');
    const { findings } = await optimize(fixture.input.toString('utf8'), fixture.options);
    const skip = findings.find((f) => !f.applied)!;
    expect(skip.reason).toMatch(/\(in a stage built FROM this one\) on line 5 runs `apt-get install -y`, which reads the package index/);
    expect(skip.range.startLine).toBe(2);
    expect(findings.filter((f) => f.applied)).toHaveLength(1);
  });

  it('runs by default; --skip turns it off', async () => {
    const { input } = readFixture('apt-cleanup', 'basic');
    const text = input.toString('utf8');
    expect((await optimize(text)).output).toContain('&& rm -rf /var/lib/apt/lists/*');
    expect((await optimize(text, { skip: ['apt-cleanup'] })).output).toBe(text);
  });

  it('lists the index folders as its cache paths', () => {
    expect(findTransform('apt-cleanup')!.cachePaths).toEqual(expect.arrayContaining(['/var/lib/apt/lists', '/var/cache/apk', '/var/cache/yum', '/var/cache/dnf', '/var/cache/zypp']));
  });
});
