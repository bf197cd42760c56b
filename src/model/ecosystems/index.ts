import { bun } from './bun.js';
import { bundler } from './bundler.js';
import { cargo } from './cargo.js';
import { composer } from './composer.js';
import { corepack } from './corepack.js';
import { dotnet } from './dotnet.js';
import { go } from './go.js';
import { gradle } from './gradle.js';
import { maven } from './maven.js';
import { mix } from './mix.js';
import { npm } from './npm.js';
import { pip } from './pip.js';
import { pipenv } from './pipenv.js';
import { pnpm } from './pnpm.js';
import { poetry } from './poetry.js';
import type { Ecosystem, InstallCommand } from './types.js';
import { uv } from './uv.js';
import { yarn } from './yarn.js';

export type { Ecosystem, InstallCommand, InstallDirectory, InstallPlan } from './types.js';

/** Every ecosystem whose installs dockeropt understands. */
export const ecosystems: readonly Ecosystem[] = [npm, yarn, pnpm, bun, corepack, pip, uv, poetry, pipenv, go, bundler, composer, mix, cargo, maven, gradle, dotnet];

/**
 * The install a simple command runs, a reason it cannot be split, or null when it is no install.
 * `earlier`: the installs matched before it in the same `&&` chain.
 */
export function matchInstall(words: string[], earlier: readonly InstallCommand[] = []): InstallCommand | { skip: string } | null {
  for (const ecosystem of ecosystems) {
    const match = ecosystem.match(words, earlier);
    if (match) return match;
  }
  return null;
}
