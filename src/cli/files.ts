import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

export const MAX_FILE_BYTES = 1024 * 1024;

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** `Dockerfile`, `*.Dockerfile`, `Dockerfile.*` and `Containerfile`, matched case-insensitively. */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'dockerfile' || lower === 'containerfile' || lower.endsWith('.dockerfile') || lower.startsWith('dockerfile.');
}

/** Expands the PATH arguments: files as given, directories searched recursively. Sorted, unique. */
export async function findDockerfiles(paths: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const given of paths) {
    let stat;
    try {
      stat = await fs.stat(given);
    } catch {
      throw new UsageError(`${given}: no such file or directory`);
    }
    if (stat.isDirectory()) await walk(given, found);
    else found.add(given);
  }
  return [...found].sort();
}

async function walk(directory: string, found: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`${directory}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(full, found);
    } else if (entry.isFile() && isDockerfileName(entry.name)) {
      found.add(full);
    }
  }
}

/** Reads a Dockerfile as text, refusing what is not one: too large, binary, or not UTF-8. */
export async function readDockerfile(file: string): Promise<{ text: string; mode: number }> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? 'error'})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`${file}: not a regular file`);
    if (stat.size > MAX_FILE_BYTES) {
      throw new UsageError(`${file}: ${stat.size} bytes is over the 1 MiB limit for a Dockerfile`);
    }
    const bytes = await handle.readFile();
    if (bytes.includes(0)) throw new UsageError(`${file}: binary file (contains NUL bytes), not a Dockerfile`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new UsageError(`${file}: not valid UTF-8 text, not a Dockerfile`);
    }
    return { text, mode: stat.mode & 0o7777 };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the file's content atomically: writes a temporary file beside it with the same mode,
 * flushes it, then renames it over the original. A failure leaves the original untouched.
 */
export async function writeFileAtomic(file: string, text: string, mode: number): Promise<void> {
  // Write through a symlink to its target, so the link stays a link.
  const target = await fs.realpath(file).catch(() => file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.dockeropt-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await fs.open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new UsageError(`${file}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'}); the file is unchanged`);
  }
}
