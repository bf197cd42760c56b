import { go } from './go.js';
import { npm } from './npm.js';
import { pip } from './pip.js';
import type { Ecosystem, InstallCommand } from './types.js';

export type { Ecosystem, InstallCommand, InstallDirectory, InstallPlan } from './types.js';

/** Every ecosystem whose installs dockeropt understands. */
export const ecosystems: readonly Ecosystem[] = [npm, pip, go];

/** The install a simple command runs, a reason it cannot be split, or null when it is no install. */
export function matchInstall(words: string[]): InstallCommand | { skip: string } | null {
  for (const ecosystem of ecosystems) {
    const match = ecosystem.match(words);
    if (match) return match;
  }
  return null;
}
