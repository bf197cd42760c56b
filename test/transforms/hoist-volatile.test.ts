/**
 * hoist-volatile fixture pairs (see fixture-runner.ts; options.json sets extra names): a
 * volatile ARG/ENV and the LABELs/ENVs using it move down to where they are needed.
 */
import { describe, expect, it } from 'vitest';
import { optimize } from '../../src/index.js';
import { describeFixtures, readFixture } from './fixture-runner.js';

describeFixtures({
  id: 'hoist-volatile',
  minCases: 18,
  reasons: {
    'skip-npm-first': /`RUN npm ci` may see BUILD_DATE in its environment: it runs `npm`, which may read it from its environment/,
    'skip-env-dump': /it runs `env`/,
    'skip-label-clash': /`LABEL version=unknown` also sets the label version, and the later LABEL wins/,
    'skip-redefined': /`ENV BASE_TAG=testing` sets BASE_TAG, which the moved values use/,
  },
});

describe('hoist-volatile findings', () => {
  it('a partial move says where it stops and why', async () => {
    const fixture = readFixture('hoist-volatile', 'stops-before-npm');
    const { findings } = await optimize(fixture.input.toString('utf8'), fixture.options);
    const applied = findings.find((f) => f.applied)!;
    expect(applied.message).toBe('Move `ARG GIT_SHA` and 1 instruction(s) using it just before `RUN npm ci`');
    expect(applied.reason).toMatch(/It stops there because `RUN npm ci` may see GIT_SHA in its environment/);
    expect(applied.contract).toBe('identical');
  });

  it('runs by default; --skip turns it off', async () => {
    const text = readFixture('hoist-volatile', 'label-to-end').input.toString('utf8');
    expect((await optimize(text)).output).not.toBe(text);
    expect((await optimize(text, { skip: ['hoist-volatile', 'apt-cleanup'] })).output).toBe(text);
  });

  it('never moves an ARG declared before FROM', async () => {
    const text = 'ARG BUILD_DATE\nFROM debian:bookworm\nRUN apt-get update\nCOPY a /a\n';
    expect((await optimize(text, { only: ['hoist-volatile'] })).output).toBe(text);
  });
});
