/** The part of a build context an install sees: paths relative to the install's directory. */
export interface InstallDirectory {
  /** Whether the builder receives this path (exists, not excluded by `.dockerignore`). */
  isSent(relative: string): boolean;
  /** Whether `relative` is a sent directory. */
  isSentDirectory(relative: string): boolean;
  /** Text of a sent regular file, or null. */
  readText(relative: string): string | null;
  /** Sent files below a directory, or `'too-many'`. */
  sentUnder(relative: string): string[] | 'too-many';
}

/** What an install reads and writes, or why that cannot be known safely. */
export type InstallPlan =
  | {
      /** Files (relative to the install directory) the install reads: copy these before it. */
      reads: string[];
      /** Paths (relative to the install directory) the install creates or replaces. */
      writes: string[];
    }
  | { skip: string };

/** A dependency install command of one ecosystem, recognised from its words. */
export interface InstallCommand {
  ecosystem: string;
  /** The command as written, for messages. */
  display: string;
  plan(directory: InstallDirectory): InstallPlan;
  /**
   * Names the tool also looks for in the folders above the install directory (config files it
   * merges, a workspace root it would switch to). When the install runs in a subfolder of the
   * copied folder, such a file there would be missing before the install, so the transform skips.
   */
  ancestorFiles?: readonly string[];
  /**
   * A step that only prepares a later install in the same `&&` chain (`corepack enable`,
   * `bundle config set …`): on its own it is no reason to split.
   */
  setupOnly?: boolean;
  /** Settings this command stores for the commands after it in the chain (e.g. bundler's `frozen`). */
  sets?: Readonly<Record<string, string>>;
}

/**
 * One package manager's knowledge: which commands install dependencies, and which files they
 * read. `match` returns null for a command that is not an install of this ecosystem, or a
 * `{ skip }` reason for an install whose inputs cannot be bounded (e.g. it names a local path).
 */
export interface Ecosystem {
  id: string;
  /** `earlier`: the installs matched before this command in the same `&&` chain. */
  match(words: string[], earlier?: readonly InstallCommand[]): InstallCommand | { skip: string } | null;
}

/**
 * Splits words into flags and positionals. `valued` flags take the next word as their value
 * unless written `--flag=value`. Returns the unknown flags so that callers can refuse them.
 */
export function parseWords(words: string[], known: { boolean: string[]; valued: string[] }) {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const [name, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (known.valued.includes(name)) {
      const value = inline ?? words[++i];
      if (value === undefined) unknown.push(word);
      else flags.set(name, [...(flags.get(name) ?? []), value]);
    } else if (known.boolean.includes(name)) {
      flags.set(name, [...(flags.get(name) ?? []), inline ?? 'true']);
    } else {
      unknown.push(word);
    }
  }
  return { flags, positionals, unknown };
}

/**
 * Why a file the builder receives cannot be read (over the size limit, or not a regular file), or
 * null when it is readable or not sent. A plan must not treat such a file as absent.
 */
export function unreadable(directory: InstallDirectory, relative: string): string | null {
  return directory.isSent(relative) && directory.readText(relative) === null
    ? `${relative} is in the build context but dockeropt cannot read it (over 1 MiB, or not a regular file)`
    : null;
}
