/**
 * fast-check generator of build scenarios for split-dependency-copy: a Dockerfile that copies a
 * whole folder and then installs dependencies, plus a build context for it, for every ecosystem
 * the transform rewrites and the base images carry a stand-in for (test/e2e/engine/standins):
 * npm, yarn, pnpm, pip, Poetry, uv, Go, Bundler, Composer, Mix, Maven, Gradle, .NET, Bun and Pipenv.
 *
 * Each ecosystem's generator (test/properties/scenarios/) varies what decides whether its split
 * is safe: lockfiles present or not, `.dockerignore` entries (also ones that exclude a manifest),
 * the install's output folder sent or ignored, workspaces, scripts that read sources, local path
 * dependencies, frozen flags, config files, and a command after the install that reads the
 * sources. scenarios/common.ts adds where the folder lands and where the install runs relative
 * to the COPY. The commands are the ones the stand-ins model, so every scenario builds for real.
 */
import fc from 'fast-check';
import { bun } from './scenarios/bun.js';
import { scenarioArb, type EcosystemScenarios, type SplitScenario } from './scenarios/common.js';
import { mix } from './scenarios/elixir.js';
import { dotnet } from './scenarios/dotnet.js';
import { go } from './scenarios/go.js';
import { gradle, maven } from './scenarios/jvm.js';
import { npm, pnpm, yarn } from './scenarios/node.js';
import { composer } from './scenarios/php.js';
import { pipenv } from './scenarios/pipenv.js';
import { pip, poetry, uv } from './scenarios/python.js';
import { bundler } from './scenarios/ruby.js';

export type { SplitScenario } from './scenarios/common.js';

/**
 * Weights: about 1 / (the share of the ecosystem's scenarios that the transform rewrites), as
 * measured in process (npm 30%, yarn 19%, pnpm 25%, pip 44%, Poetry 21%, uv 18%, Go 45%,
 * Bundler 20%, Composer 18%, Mix 19%, Maven 30%, Gradle 24%, .NET 32%, Bun 18%, Pipenv 23%),
 * so that in the mix each gets about an equal share of the rewritten scenarios.
 * split-dependency-copy.unit.test.ts fails when one falls far behind.
 */
const WEIGHTED: [EcosystemScenarios, number][] = [
  [npm, 3],
  [yarn, 5],
  [pnpm, 4],
  [pip, 2],
  [poetry, 4],
  [uv, 5],
  [go, 2],
  [bundler, 4],
  [composer, 5],
  [mix, 5],
  [maven, 3],
  [gradle, 4],
  [dotnet, 3],
  [bun, 5],
  [pipenv, 4],
];

/** Each ecosystem's scenarios on their own (the real-engine property runs them one ecosystem at a time). */
export const SPLIT_SCENARIOS: readonly { ecosystem: string; arbitrary: fc.Arbitrary<SplitScenario>; weight: number }[] = WEIGHTED.map(
  ([eco, weight]) => ({ ecosystem: eco.ecosystem, arbitrary: scenarioArb(eco), weight }),
);

export const SPLIT_ECOSYSTEMS: readonly string[] = SPLIT_SCENARIOS.map((s) => s.ecosystem);

/** Every ecosystem's scenarios in one mix. */
export const splitScenarioArb: fc.Arbitrary<SplitScenario> = fc.oneof(...SPLIT_SCENARIOS.map(({ arbitrary, weight }) => ({ arbitrary, weight })));
