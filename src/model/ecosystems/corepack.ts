/**
 * Corepack: `corepack enable [yarn|pnpm|npm]` and `corepack prepare NAME@VERSION --activate` /
 * `corepack install -g NAME@VERSION` before an install in the same chain.
 *
 * They install package-manager shims and releases outside the project and read no project file
 * (the forms without an explicit NAME@VERSION read package.json's packageManager, and are not
 * recognised). On their own they are no install, so they only ride along with a later one.
 */
import { parseWords, type Ecosystem } from './types.js';

const NAMES = /^(yarn|pnpm|npm|yarnpkg|pnpx|npx)$/;
const PINNED = /^(yarn|pnpm|npm)@[\w.+-]+$/;

export const corepack: Ecosystem = {
  id: 'corepack',
  match(words) {
    if (words[0] !== 'corepack') return null;
    const verb = words[1];
    const known = verb === 'enable'
      ? { boolean: [], valued: ['--install-directory'] }
      : { boolean: ['--activate', '-g', '--global'], valued: [] };
    if (verb !== 'enable' && verb !== 'prepare' && verb !== 'install') return null;
    const { flags, positionals, unknown } = parseWords(words.slice(2), known);
    if (unknown.length > 0) return null;
    if (verb === 'enable' ? !positionals.every((name) => NAMES.test(name)) : positionals.length === 0 || !positionals.every((name) => PINNED.test(name))) return null;
    if (verb === 'install' && !flags.has('-g') && !flags.has('--global')) return null;
    const directory = flags.get('--install-directory')?.at(-1);
    if (directory !== undefined && !directory.startsWith('/')) return null;
    return { ecosystem: 'corepack', display: words.join(' '), setupOnly: true, plan: () => ({ reads: [], writes: [] }) };
  },
};
