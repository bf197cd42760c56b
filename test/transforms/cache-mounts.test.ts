/**
 * cache-mounts fixture pairs (see fixture-runner.ts; options.json sets onCleanup), and the
 * opt-in and its interplay with apt-cleanup.
 */
import { describe, expect, it } from 'vitest';
import { findTransform, optimize } from '../../src/index.js';
import { describeFixtures, readFixture } from './fixture-runner.js';

describeFixtures({
  id: 'cache-mounts',
  minCases: 25,
  reasons: {
    'skip-apt-child-stage': /in a stage built FROM this one may read \/var\/cache\/apt or \/var\/lib\/apt\/lists, which would be empty/,
    'skip-apt-cleanup-kept': /empties or turns off the apt cache and lists, and the option onCleanup is "skip"/,
    'skip-apt-cleanup-removes-more': /`rm -rf \/var\/lib\/apt\/lists\/\* \/tmp\/\*` empties or turns off the apt cache and lists and cannot be taken out of the RUN on its own/,
    'skip-apt-lists-from-base': /relies on package lists from the base image, which the mount would hide/,
    'skip-bad-option': /onCleanup must be "mount" or "skip", not "drop"/,
    'skip-go-make-reads-modules': /`RUN make build` may read \/go\/pkg\/mod without the mount/,
    'skip-later-reads-cache': /names \/root\/.npm, which the mount keeps out of the layers/,
    'skip-npm-cache-env': /the stage sets npm_config_cache/,
    'skip-pip-no-cache-dir-kept': /--no-cache-dir .* the option onCleanup is "skip"/,
    'skip-syntax-old': /# syntax=docker\/dockerfile:1.1 is not a Dockerfile frontend known to run RUN --mount=type=cache/,
    'skip-user-not-root': /runs as USER node/,
  },
});

describe('cache-mounts is opt-in', () => {
  const text = readFixture('cache-mounts', 'npm-ci').input.toString('utf8');

  it('does nothing by default', async () => {
    const { output, findings } = await optimize(text);
    expect(output).toBe(text);
    expect(findings.filter((f) => f.transform === 'cache-mounts')).toEqual([]);
  });

  it('runs with enable', async () => {
    expect((await optimize(text, { enable: ['cache-mounts'] })).output).toContain('RUN --mount=type=cache,target=/root/.npm npm ci');
  });

  it('never adds a # syntax line', async () => {
    const { output } = await optimize(readFixture('cache-mounts', 'apt-locked').input.toString('utf8'), { enable: ['cache-mounts'] });
    expect(output).not.toMatch(/#\s*syntax/);
  });

  it('declares its options and every mount target as a cache path', () => {
    const transform = findTransform('cache-mounts')!;
    expect(transform.enabledByDefault).toBe(false);
    expect(transform.options).toEqual({ onCleanup: 'string' });
    expect(transform.cachePaths).toEqual(
      expect.arrayContaining(['/root/.npm', '/root/.cache/pip', '/root/.cache/go-build', '/go/pkg/mod', '/var/cache/apt', '/var/lib/apt/lists', '/root/.m2/repository']),
    );
  });
});

describe('cache-mounts with apt-cleanup', () => {
  it('the mount wins: apt-cleanup then sees it and adds no rm', async () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n';
    const { output, findings } = await optimize(text, { enable: ['cache-mounts'] });
    expect(output).toBe(
      'FROM debian:bookworm\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n    apt-get update && apt-get install -y curl\n',
    );
    expect(findings.find((f) => f.transform === 'apt-cleanup')?.reason).toMatch(/keeps \/var\/lib\/apt\/lists out of the image already/);
  });

  it('a lone update and its install end up in one mounted RUN', async () => {
    const text = 'FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n';
    const { output } = await optimize(text, { enable: ['cache-mounts'] });
    expect(output).toBe(
      'FROM debian:bookworm\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n    apt-get update && apt-get install -y curl\n',
    );
  });
});
