import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import dockerignoreModule from '@balena/dockerignore';

// The package is CommonJS whose types declare an ES default export; Node hands us the function itself.
type CreateIgnore = typeof dockerignoreModule.default;
const createIgnore: CreateIgnore =
  typeof dockerignoreModule === 'function' ? (dockerignoreModule as unknown as CreateIgnore) : dockerignoreModule.default;

/** The most entries {@link BuildContext.sentUnder} walks before it gives up. */
export const MAX_WALK_ENTRIES = 20_000;
const MAX_READ_BYTES = 1024 * 1024;

/**
 * A read-only view of a build context: which paths the builder receives (after `.dockerignore`)
 * and their text. Paths are relative to the context root, with `/` separators.
 */
export interface BuildContext {
  root: string;
  /** The `.dockerignore` file in effect, or null. */
  ignoreFile: string | null;
  /** Whether the builder receives this path (it exists and no ignore rule excludes it). */
  isSent(relative: string): boolean;
  /** Whether `relative` is a directory the builder receives. */
  isSentDirectory(relative: string): boolean;
  /** The text of a sent regular file (null when absent, ignored, not a file, or over 1 MiB). */
  readText(relative: string): string | null;
  /** Whether `relative` is a sent regular file reached through real folders only (no symbolic link on the way). */
  isRegularFile(relative: string): boolean;
  /**
   * Sent files and links below a sent directory, or `'too-many'` when there are more than
   * {@link MAX_WALK_ENTRIES}.
   */
  sentUnder(relative: string): string[] | 'too-many';
}

/**
 * Opens the context at `root`. BuildKit reads `<Dockerfile name>.dockerignore` beside the
 * Dockerfile first, then `.dockerignore` at the context root.
 */
export function openBuildContext(root: string, dockerfilePath?: string): BuildContext {
  const candidates = [
    ...(dockerfilePath ? [`${dockerfilePath}.dockerignore`] : []),
    path.join(root, '.dockerignore'),
  ];
  const ignoreFile = candidates.find((file) => existsSync(file)) ?? null;
  const patterns = ignoreFile ? readFileSync(ignoreFile, 'utf8').split(/\r?\n/) : [];
  const matcher = createIgnore({ ignorecase: false }).add(patterns);
  const stats = new Map<string, Stats | null>();
  const normalize = (relative: string) => path.posix.normalize(relative.replace(/\\/g, '/')).replace(/^\.(\/|$)|\/$/g, '');
  const stat = (relative: string): Stats | null => {
    const key = normalize(relative);
    if (!stats.has(key)) {
      let result: Stats | null = null;
      try {
        result = lstatSync(path.join(root, key));
      } catch {
        result = null;
      }
      stats.set(key, result);
    }
    return stats.get(key)!;
  };
  const ignored = (relative: string) => {
    const key = normalize(relative);
    return key !== '' && (key.startsWith('../') || key === '..' || matcher.ignores(key));
  };

  const context: BuildContext = {
    root,
    ignoreFile,
    isSent: (relative) => stat(relative) !== null && !ignored(relative),
    isSentDirectory: (relative) => context.isSent(relative) && stat(relative)!.isDirectory(),
    isRegularFile(relative) {
      const key = normalize(relative);
      if (!context.isSent(key) || !stat(key)!.isFile()) return false;
      for (let folder = path.posix.dirname(key); folder !== '.'; folder = path.posix.dirname(folder)) {
        if (!stat(folder)?.isDirectory()) return false;
      }
      return true;
    },
    readText(relative) {
      if (!context.isSent(relative)) return null;
      const info = stat(relative)!;
      if (!info.isFile() || info.size > MAX_READ_BYTES) return null;
      return readFileSync(path.join(root, normalize(relative)), 'utf8');
    },
    sentUnder(relative) {
      const found: string[] = [];
      let visited = 0;
      const walk = (directory: string): boolean => {
        let entries;
        try {
          entries = readdirSync(path.join(root, directory), { withFileTypes: true });
        } catch {
          return true;
        }
        for (const entry of entries) {
          if (++visited > MAX_WALK_ENTRIES) return false;
          const child = directory ? `${directory}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            if (!walk(child)) return false;
          } else if (!ignored(child)) {
            found.push(child);
          }
        }
        return true;
      };
      const start = normalize(relative);
      if (!context.isSentDirectory(start) && start !== '') return [];
      return walk(start) ? found.sort() : 'too-many';
    },
  };
  return context;
}
