/**
 * Go modules: `go mod download`.
 *
 * It reads go.mod and go.sum, and writes only the module cache (outside the install directory);
 * since Go 1.17 it no longer adds sums to go.sum. Skipped: a go.work workspace (its members'
 * go.mod files would be needed too, not supported yet), and a go.mod `replace` that points at a
 * local directory (its go.mod is read). `go build` reads every source file, so it is not an
 * install step.
 */
import { parseWords, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = { boolean: ['-x', '-json', '-reuse'], valued: [] };

export const go: Ecosystem = {
  id: 'go',
  match(words) {
    if (words[0] !== 'go' || words[1] !== 'mod' || words[2] !== 'download') return null;
    const { unknown } = parseWords(words.slice(3), FLAGS);
    if (unknown.length > 0) return { skip: `go flag ${unknown[0]} is not known to be safe to split` };
    // go looks for a go.work in every folder above the module (GOWORK=auto).
    return { ecosystem: 'go', display: words.join(' '), plan: planGoModDownload, ancestorFiles: ['go.work'] };
  },
};

function planGoModDownload(directory: InstallDirectory): InstallPlan {
  const goMod = directory.readText('go.mod');
  if (goMod === null) return { skip: 'go.mod is not in the build context' };
  if (directory.isSent('go.work')) return { skip: 'go.work workspaces are not split yet' };
  const localReplace = /^\s*(?:replace\s+)?\S+(?:\s+\S+)?\s+=>\s+(\.{1,2}\/\S*|\/\S*)/m.exec(stripReplaceBlocks(goMod));
  if (localReplace) return { skip: `go.mod replaces a module with the local directory ${localReplace[1]}` };
  return { reads: ['go.mod', ...['go.sum'].filter((file) => directory.isSent(file))], writes: [] };
}

/** Puts each line of a `replace ( … )` block on its own `replace` line. */
function stripReplaceBlocks(goMod: string): string {
  return goMod.replace(/replace\s*\(([^)]*)\)/g, (_, body: string) =>
    body.split('\n').map((line) => `replace ${line.trim()}`).join('\n'),
  );
}
