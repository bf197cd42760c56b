/**
 * Cargo: `cargo fetch` and `cargo build` are recognised only to say why they are not split.
 *
 * Cargo cannot load a package without its targets: a manifest without `src/main.rs`,
 * `src/lib.rs` or an explicit `[lib]`/`[[bin]]` fails with "no targets specified in the
 * manifest", and target auto-discovery (src/bin/, examples/, tests/, benches/, build.rs) reads
 * the source tree, as do workspace members' manifests and `.cargo/config.toml` in every parent
 * folder. Copying Cargo.toml and Cargo.lock alone would change or break the step, so it is
 * skipped with a pointer to cargo-chef, which builds a dependency-only recipe for this.
 */
import type { Ecosystem } from './types.js';

const REASON = "cargo needs the crate's sources to read its manifest (targets are discovered from src/), so Cargo.toml and Cargo.lock alone cannot be copied first; use cargo-chef to cache the dependency build";

export const cargo: Ecosystem = {
  id: 'cargo',
  match(words) {
    if (words[0] !== 'cargo') return null;
    const verb = words.slice(1).find((word) => !word.startsWith('-') && !word.startsWith('+'));
    return verb === 'fetch' || verb === 'build' || verb === 'b' ? { skip: REASON } : null;
  },
};
