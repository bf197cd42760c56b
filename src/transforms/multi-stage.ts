/**
 * multi-stage: splits a single-stage Dockerfile that builds with a toolchain into a `build` stage
 * (the original steps) and a `runtime` stage on a small image that gets only what the CMD or
 * ENTRYPOINT runs.
 *
 * Why: the toolchain (Go, the JDK and Maven, the .NET SDK, Rust, Elixir, compilers for Python
 * wheels, a Node project's dev dependencies), the sources and the caches ship in the image although
 * nothing at run time uses them. The split drops them; the runtime stage copies the build's output
 * from the build stage with `COPY --from=build` to the same paths.
 *
 * Contract `runtime-equivalent`: applied only with consent (`--unsafe`, config or interactive),
 * otherwise shown as a suggestion with its diff. Kept: the files the CMD/ENTRYPOINT names (same
 * path, same content), ENV, ARG (redeclared where the runtime stage uses them), WORKDIR, USER,
 * EXPOSE, LABEL, VOLUME, HEALTHCHECK, STOPSIGNAL, CMD and ENTRYPOINT as written, COPYs that place
 * files outside the folder the build reads, and apt packages that are not build tools. Not kept:
 * the toolchain, sources, caches, anything the base image had (its ENV included) that the runtime
 * image does not, and files the program opens without the Dockerfile naming them (templates,
 * static assets: name them with the `keep` option).
 *
 * Recipes: Go (`go build -o X` → distroless static when CGO_ENABLED=0, else distroless base),
 * Node (`npm run …` → the slim node image, `npm ci --omit=dev` and the build output the CMD runs
 * from), Java (Maven/Gradle → the Temurin JRE with the jar), .NET (`dotnet publish` → aspnet,
 * runtime or runtime-deps with the publish folder), Rust (`cargo build` → debian slim with the
 * binary and the C libraries its -sys crates link), Elixir (`mix release` → debian slim with the
 * release and the libraries ERTS needs), Python (build tools installed with apt for `pip
 * install` → wheels built in the build stage, installed in the slim python image).
 *
 * What it skips, each with a reason: files with more than one stage, a non-default SHELL,
 * ONBUILD, WORKDIR/USER/FROM with variables it cannot follow, a CMD or ENTRYPOINT that runs a
 * dev server or the toolchain (`go run`, `npm run dev`, `dotnet run`, `mix phx.server`, `npm
 * start` whose script builds), a shell-form CMD on an image without a shell, a program the build
 * does not produce or that the runtime image lacks, RUN steps whose effect the runtime may need
 * and that it cannot attribute, users the runtime image does not have, native modules or C
 * libraries the runtime would need but cannot get, and (for Node, Java, Rust) a missing build
 * context, which it needs to read package.json, the pom or Cargo.lock.
 */
import path from 'node:path';
import type { Arg, Env } from 'dockerfile-ast';
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import type { BuildContext } from '../model/context.js';
import {
  BUILD_ONLY_PACKAGES, DEV_PACKAGE_RUNTIME, FULL_IMAGE_TOOLS, SYS_CRATE_PACKAGES, configuredImage, debianSlimImage, defaultSuite,
  distrolessImage, dotnetRuntimeImage, findFamily, formatImageRef, jdkOfBuildImage, languageSlimImage, officialName, parseImageRef,
  suiteInTag, tagVersion, temurinJreImage, withNameAndTag, type ImageRef, type RuntimeImage, type Suite,
} from '../model/base-images.js';
import { joinContinuationsWithOffsets, type DockerfileModel, type InstructionView } from '../model/dockerfile.js';
import { matchInstall } from '../model/ecosystems/index.js';
import { analyzeChain, analyzeScript, type ChainItem } from '../model/shell.js';

type RecipeId = 'go' | 'node' | 'java' | 'dotnet' | 'rust' | 'elixir' | 'python';

const RECIPE_NAMES: Record<RecipeId, string> = {
  go: 'Go', node: 'Node', java: 'Java', dotnet: '.NET', rust: 'Rust', elixir: 'Elixir', python: 'Python',
};

/** Instructions that only describe the image; they never change what a build step sees. */
const METADATA = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'LABEL', 'HEALTHCHECK', 'STOPSIGNAL', 'MAINTAINER']);
/** Instructions that change the build's view (environment, folder, user) but write no files. */
const CONFIG = new Set(['ENV', 'ARG', 'WORKDIR', 'USER', 'VOLUME']);
const FS = new Set(['RUN', 'COPY', 'ADD']);

/** Commands in a RUN that change nothing a runtime could need. */
const NOOP_COMMANDS = new Set(['echo', 'true', ':', 'ls', 'pwd', 'cat', 'printenv', 'env', 'id', 'whoami', 'uname', 'date', 'df', 'du', 'which', 'test', '[', 'sleep', 'sync']);
const USER_COMMANDS = new Set(['useradd', 'groupadd', 'adduser', 'addgroup', 'usermod']);
const SHELL_BUILTINS = new Set(['exit', 'true', 'false', 'test', '[', 'echo', 'exec', ':', 'cd']);

/** Options, by name, for the runtime image of each recipe (an image reference). */
const IMAGE_OPTIONS = {
  goStaticBase: 'Go binaries built with CGO_ENABLED=0',
  goBase: 'Go binaries that may use cgo',
  nodeBase: 'Node',
  javaBase: 'Java',
  dotnetBase: '.NET',
  rustBase: 'Rust',
  elixirBase: 'Elixir releases',
  pythonBase: 'Python',
} as const;

class Skip extends Error {
  constructor(
    readonly reason: string,
    readonly at: InstructionView,
  ) {
    super(reason);
  }
}

const skip = (at: InstructionView, reason: string): never => {
  throw new Skip(reason, at);
};

export const multiStage: Transform = {
  id: 'multi-stage',
  title: 'Split the build into a build stage and a small runtime stage',
  contract: 'runtime-equivalent',
  priority: 3,
  options: {
    ...Object.fromEntries(Object.keys(IMAGE_OPTIONS).map((key) => [key, 'string' as const])),
    keep: 'string[]',
  },
  run(doc, ctx) {
    if (doc.stages.length !== 1) return [];
    const stage = doc.stages[0]!;
    const from = stage.instructions[0];
    if (!from || from.keyword !== 'FROM') return [];
    const scan = scanStage(doc, from, ctx.buildContext, ctx.options);
    if (!scan || !buildsSomething(scan)) return [];
    try {
      return [plan(scan)];
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
      return [
        {
          message: `${RECIPE_NAMES[scan.recipe]} build not split into a build and a runtime stage`,
          reason: error.reason,
          start: error.at.start,
          end: error.at.end,
        },
      ];
    }
  },
};

/** Whether the stage builds with its toolchain at all: otherwise there is nothing to split (and nothing to say). */
function buildsSomething(scan: Scan): boolean {
  if (scan.recipe === 'python') {
    const installed = scan.items.flatMap((i) => (i.kind.kind === 'apt' ? i.kind.packages : []));
    return installed.some((p) => BUILD_ONLY_PACKAGES.has(p)) && scan.items.some((i) => i.kind.kind === 'pip' || isPipInstall(i.words));
  }
  return scan.items.some(
    (item) => item.kind.kind === 'build' || item.kind.kind === 'node-build' || (scan.recipe === 'node' && /^(yarn|pnpm|bun)$/.test(item.words[0] ?? '') && item.words.includes('build')),
  );
}

// ---------------------------------------------------------------------------------------------
// Reading the stage

interface State {
  workdir: string;
  user: string | null;
  /** Variables set by ENV (and ARG defaults) with literal values; null for values dockeropt cannot read. */
  env: Map<string, string | null>;
}

/** One simple command of a RUN. */
interface Item {
  run: InstructionView;
  chain: ChainItem | null;
  words: string[];
  assigns: Map<string, string>;
  cwd: string;
  env: Map<string, string | null>;
  user: string | null;
  kind: Kind;
}

/** Where a build step puts its output, and what to copy for a file the CMD names there. */
interface Output {
  /** An exact file, or a folder prefix ending in `/`. */
  path: string;
  copyFor(artifact: string): { path: string; dir: boolean } | null;
  /** For messages: `go build -o /out/server`. */
  display: string;
  user: string | null;
  /** Go: CGO_ENABLED=0 was set. */
  static?: boolean;
  run: InstructionView;
}

type Kind =
  | { kind: 'noop' }
  | { kind: 'apt'; packages: string[] }
  | { kind: 'users' }
  | { kind: 'mkdir'; dirs: string[] }
  | { kind: 'copy'; sources: string[]; dest: string }
  | { kind: 'tweak'; paths: string[] }
  | { kind: 'build-only' }
  | { kind: 'build'; outputs: Omit<Output, 'run' | 'user'>[] }
  | { kind: 'node-install'; display: string; ignoreScripts: boolean }
  | { kind: 'node-build' }
  | { kind: 'pip'; rewrite: PipRewrite }
  | { kind: 'unknown'; why?: string };

interface PipRewrite {
  /** The command for the build stage (`pip wheel …`) and the runtime stage (`pip install --no-index …`). */
  build: string;
  runtime: string;
}

interface Scan {
  doc: DockerfileModel;
  from: InstructionView;
  instructions: InstructionView[];
  recipe: RecipeId;
  base: ImageRef;
  /** The base as written (variables kept). */
  baseText: string;
  /** The FROM argument's offsets. */
  baseStart: number;
  buildName: string;
  hasStageName: boolean;
  context: BuildContext | null;
  options: Record<string, unknown>;
  globalArgs: Map<string, string | null>;
  states: Map<InstructionView, State>;
  items: Item[];
  /** RUNs that are not a plain list of commands, with why. */
  opaqueRuns: Map<InstructionView, string>;
}

function baseWorkdir(base: ImageRef): string {
  const name = officialName(base)?.name;
  if (name === 'golang') return '/go';
  if (name === 'gradle') return '/home/gradle';
  return '/';
}

function detectRecipe(ref: ImageRef): RecipeId | null {
  if (ref.registry === 'mcr.microsoft.com' && /^dotnet\/(core\/)?sdk$/.test(ref.path)) return 'dotnet';
  if (!ref.registry && ref.path === 'hexpm/elixir') return 'elixir';
  const name = officialName(ref)?.name;
  switch (name) {
    case 'golang':
      return 'go';
    case 'node':
      return 'node';
    case 'maven': case 'gradle': case 'eclipse-temurin': case 'openjdk': case 'amazoncorretto': case 'sapmachine':
      return 'java';
    case 'rust':
      return 'rust';
    case 'elixir':
      return 'elixir';
    case 'python':
      return 'python';
    default:
      return null;
  }
}

/** `${X}`/`$X` replaced by the global ARG defaults; null when one has no default. */
function substitute(text: string, args: Map<string, string | null>): string | null {
  let ok = true;
  const out = text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const value = args.get(a ?? b ?? '') ?? def ?? null;
    if (value === null) ok = false;
    return value ?? '';
  });
  return ok ? out : null;
}

function scanStage(doc: DockerfileModel, from: InstructionView, context: BuildContext | null, options: Record<string, unknown>): Scan | null {
  const globalArgs = new Map<string, string | null>();
  for (const instruction of doc.instructions) {
    if (instruction === from) break;
    if (instruction.keyword === 'ARG') {
      const property = (instruction.node as Arg).getProperty();
      if (property) globalArgs.set(property.getName(), property.getValue());
    }
  }
  const fromArgs = from.node.getArguments();
  const imageArg = fromArgs[0];
  if (!imageArg) return null;
  const baseText = imageArg.getValue();
  const resolved = substitute(baseText, globalArgs);
  const base = resolved === null ? null : parseImageRef(resolved);
  if (!base) return null;
  const recipe = detectRecipe(base);
  if (!recipe) return null;
  const asIndex = fromArgs.findIndex((a) => a.getValue().toUpperCase() === 'AS');
  const stageName = asIndex >= 0 ? (fromArgs[asIndex + 1]?.getValue() ?? null) : null;
  const baseRange = imageArg.getRange();
  const baseStart = doc.lineStarts[baseRange.start.line]! + baseRange.start.character;

  const instructions = doc.stages[0]!.instructions.slice(1);
  const states = new Map<InstructionView, State>();
  const items: Item[] = [];
  const opaqueRuns = new Map<InstructionView, string>();
  const scan: Scan = {
    doc, from, instructions, recipe, base, baseText, baseStart, buildName: stageName ?? 'build', hasStageName: stageName !== null,
    context, options, globalArgs, states, items, opaqueRuns,
  };
  let state: State = { workdir: baseWorkdir(base), user: null, env: new Map() };
  for (const instruction of instructions) {
    states.set(instruction, state);
    state = { ...state, env: new Map(state.env) };
    switch (instruction.keyword) {
      case 'WORKDIR': {
        const target = instruction.args.trim().replace(/^["']|["']$/g, '');
        state.workdir = target.includes('$') ? '\u0000' : path.posix.resolve(state.workdir, target);
        break;
      }
      case 'USER':
        state.user = instruction.args.trim();
        break;
      case 'ENV':
        for (const property of (instruction.node as Env).getProperties()) {
          const value = property.getValue();
          state.env.set(property.getName(), value === null || value.includes('$') ? null : value);
        }
        break;
      case 'ARG': {
        const property = (instruction.node as Arg).getProperty();
        if (property && !state.env.has(property.getName())) {
          const value = property.getValue();
          state.env.set(property.getName(), value === null || value.includes('$') ? null : value);
        }
        break;
      }
      case 'RUN':
        readRun(scan, instruction, state);
        break;
      default:
        break;
    }
  }
  return scan;
}

/** Reads a RUN into items, one per command of its `&&` chain. */
function readRun(scan: Scan, run: InstructionView, state: State): void {
  const base = { run, cwd: state.workdir, user: state.user };
  if (run.hasHeredoc) {
    scan.opaqueRuns.set(run, `${quote(run)} uses a heredoc`);
    return;
  }
  if (run.execForm) {
    const words = run.execForm;
    scan.items.push({ ...base, chain: null, words, assigns: new Map(), env: state.env, kind: classify(scan, words, new Map(), state.workdir, state.env) });
    return;
  }
  const chain = analyzeChain(run.args);
  if (!chain) {
    // `set -eux; apt-get update; apt-get install …; rm -rf …` is common: read it when every command is apt's.
    const script = analyzeScript(run.args);
    const aptOnly = !script.parseError && !script.background && script.commandWords.every((words) => aptOrNoop(words) !== null);
    if (!aptOnly || script.commandWords.length === 0) {
      scan.opaqueRuns.set(run, `${quote(run)} is not a plain \`&&\` list of commands`);
      return;
    }
    for (const words of script.commandWords) {
      scan.items.push({ ...base, chain: null, words, assigns: new Map(), env: state.env, kind: aptOrNoop(words)! });
    }
    return;
  }
  let cwd = state.workdir;
  const env = new Map(state.env);
  for (const item of chain) {
    const assigns = prefixAssignments(item.text);
    const words = item.words ?? [];
    if (item.words === null && /^export\s/.test(item.text)) {
      // `export A=1 B=2`: tree-sitter reads it as a declaration, not a simple command.
      for (const [name, value] of prefixAssignments(`${item.text.replace(/^export\s+/, '')} `)) env.set(name, value.includes('$') ? null : value);
      scan.items.push({ ...base, cwd, chain: item, words: ['export'], assigns, env: new Map(env), kind: { kind: 'noop' } });
      continue;
    }
    if (item.words === null) {
      scan.items.push({ ...base, cwd, chain: item, words: [], assigns, env: new Map(env), kind: { kind: 'unknown', why: `\`${short(item.text)}\` is not a simple command` } });
      continue;
    }
    const itemEnv = new Map(env);
    for (const [name, value] of assigns) itemEnv.set(name, value.includes('$') ? null : value);
    let kind: Kind;
    if (words[0] === 'cd' && words.length <= 2) {
      const target = words[1] ?? '/root';
      cwd = target.includes('$') || target === '-' ? '\u0000' : path.posix.resolve(cwd, target);
      kind = { kind: 'noop' };
    } else if (words[0] === 'export') {
      for (const word of words.slice(1)) {
        const eq = word.indexOf('=');
        if (eq > 0) env.set(word.slice(0, eq), word.slice(eq + 1).includes('$') ? null : word.slice(eq + 1));
      }
      kind = { kind: 'noop' };
    } else {
      kind = classify(scan, words, assigns, cwd, itemEnv);
    }
    scan.items.push({ ...base, cwd, chain: item, words, assigns, env: itemEnv, kind });
  }
}

function prefixAssignments(text: string): Map<string, string> {
  const assigns = new Map<string, string>();
  const pattern = /^([A-Za-z_][A-Za-z0-9_]*)=('[^']*'|"[^"]*"|[^\s'"]*)\s+/;
  let rest = text;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    assigns.set(match[1]!, match[2]!.replace(/^(['"])(.*)\1$/, '$2'));
    rest = rest.slice(match[0].length);
  }
  return assigns;
}

function aptOrNoop(words: string[]): Kind | null {
  const program = path.posix.basename(words[0] ?? '');
  if (program === 'apt-get' || program === 'apt') {
    const verb = words.slice(1).find((w) => !w.startsWith('-'));
    if (verb === 'install') {
      const args = words.slice(words.indexOf('install') + 1);
      const packages: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const word = args[i]!;
        if (word === '-o' || word === '-t') i++;
        else if (!word.startsWith('-')) packages.push(word.replace(/[=/].*$/, ''));
      }
      return { kind: 'apt', packages };
    }
    if (['update', 'clean', 'autoclean', 'autoremove', 'upgrade', 'dist-upgrade', 'purge', 'remove'].includes(verb ?? '')) return { kind: 'apt', packages: [] };
    return null;
  }
  if (program === 'rm' && words.slice(1).filter((w) => !w.startsWith('-')).every((w) => /^\/var\/(lib\/apt\/lists|cache\/apt)(\/|$)/.test(w) || /^\/tmp\//.test(w))) {
    return { kind: 'apt', packages: [] };
  }
  if (program === 'set' || NOOP_COMMANDS.has(program)) return { kind: 'noop' };
  return null;
}

/** What one simple command does, as far as the split is concerned. */
function classify(scan: Scan, words: string[], assigns: Map<string, string>, cwd: string, env: Map<string, string | null>): Kind {
  const program = path.posix.basename(words[0] ?? '');
  const common = aptOrNoop(words);
  if (common) return common;
  if (USER_COMMANDS.has(program)) return { kind: 'users' };
  if (program === 'mkdir') return { kind: 'mkdir', dirs: words.slice(1).filter((w) => !w.startsWith('-')).map((d) => path.posix.resolve(cwd, d)) };
  if (program === 'cp' || program === 'mv') {
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    if (args.length < 2 || args.some((a) => a.includes('$'))) return { kind: 'unknown' };
    return { kind: 'copy', sources: args.slice(0, -1).map((a) => path.posix.resolve(cwd, a)), dest: path.posix.resolve(cwd, args.at(-1)!) + (args.at(-1)!.endsWith('/') ? '/' : '') };
  }
  if (program === 'chmod' || program === 'strip' || program === 'upx') {
    return { kind: 'tweak', paths: words.slice(program === 'chmod' ? 2 : 1).filter((w) => !w.startsWith('-')).map((p) => path.posix.resolve(cwd, p)) };
  }
  switch (scan.recipe) {
    case 'go':
      return classifyGo(words, assigns, cwd, env);
    case 'node':
      return classifyNode(words);
    case 'java':
      return classifyJava(words, cwd);
    case 'dotnet':
      return classifyDotnet(words, cwd);
    case 'rust':
      return classifyRust(words, cwd, env);
    case 'elixir':
      return classifyElixir(words, cwd, env);
    case 'python':
      return classifyPython(words, assigns);
  }
}

// ---------------------------------------------------------------------------------------------
// Recipes: which commands build, and where their output goes

function fileOutput(file: string, display: string, extra: Partial<Output> = {}): Omit<Output, 'run' | 'user'> {
  return { path: file, display, copyFor: (artifact) => (artifact === file ? { path: file, dir: false } : null), ...extra };
}

function prefixOutput(prefix: string, display: string, copy: (artifact: string, relative: string) => { path: string; dir: boolean } | null): Omit<Output, 'run' | 'user'> {
  const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
  return {
    path: dir,
    display,
    copyFor: (artifact) => (artifact.startsWith(dir) ? copy(artifact, artifact.slice(dir.length)) : null),
  };
}

function classifyGo(words: string[], assigns: Map<string, string>, cwd: string, env: Map<string, string | null>): Kind {
  if (path.posix.basename(words[0]!) !== 'go') return { kind: 'unknown' };
  const verb = words[1];
  if (['mod', 'get', 'generate', 'vet', 'test', 'version', 'env', 'run', 'work', 'list', 'tool', 'clean'].includes(verb ?? '')) return { kind: 'build-only' };
  if (verb !== 'build' && verb !== 'install') return { kind: 'unknown' };
  const cgo = assigns.get('CGO_ENABLED') ?? env.get('CGO_ENABLED');
  const isStatic = cgo === '0';
  let out: string | null = null;
  const packages: string[] = [];
  const args = words.slice(2);
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '-o') out = args[++i] ?? null;
    else if (word.startsWith('-o=')) out = word.slice(3);
    else if (/^-(ldflags|tags|gcflags|asmflags|buildmode|mod|p|pkgdir|trimpath=|modfile|overlay|toolexec)$/.test(word)) i++;
    else if (!word.startsWith('-')) packages.push(word);
  }
  const display = words.join(' ');
  if (verb === 'install') {
    if (packages.some((p) => p.includes('@'))) return { kind: 'build-only' };
    const gopath = env.has('GOPATH') ? env.get('GOPATH')! : '/go';
    const gobin = env.has('GOBIN') ? env.get('GOBIN')! : gopath === null ? null : `${gopath.split(':')[0]}/bin`;
    if (gobin === null) return { kind: 'unknown', why: 'GOBIN or GOPATH is set to a value dockeropt cannot read' };
    return { kind: 'build', outputs: [{ ...prefixOutput(gobin, display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false })), static: isStatic }] };
  }
  if (out !== null) {
    if (out.includes('$')) return { kind: 'unknown', why: `\`${display}\` names its output with a variable` };
    const resolved = path.posix.resolve(cwd, out);
    const output = out.endsWith('/')
      ? prefixOutput(resolved, display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false }))
      : fileOutput(resolved, display);
    return { kind: 'build', outputs: [{ ...output, static: isStatic }] };
  }
  if (packages.length > 1 || packages.some((p) => p.includes('...'))) return { kind: 'build-only' };
  // Without -o the binary lands in the working folder, named after the package (or the module for `.`).
  return { kind: 'build', outputs: [{ ...prefixOutput(cwd, display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false })), static: isStatic }] };
}

const NODE_TEST_SCRIPTS = /^(test|lint|format|check|typecheck|audit)(:|$)/;

function classifyNode(words: string[]): Kind {
  const program = path.posix.basename(words[0]!);
  if (program === 'yarn' || program === 'pnpm' || program === 'bun') return { kind: 'unknown', why: `only npm projects are split (this one runs ${program}, whose production install dockeropt does not model yet)` };
  if (program === 'npx') return { kind: 'node-build' };
  if (program !== 'npm') return { kind: 'unknown' };
  const verb = words[1];
  if (verb === 'ci' || verb === 'clean-install' || verb === 'install' || verb === 'i') {
    if (words.includes('-g') || words.includes('--global')) return { kind: 'build-only' };
    if (words.slice(2).some((w) => !w.startsWith('-'))) return { kind: 'unknown', why: `\`${words.join(' ')}\` installs named packages, which the runtime's \`npm ci --omit=dev\` would not` };
    return { kind: 'node-install', display: words.join(' '), ignoreScripts: words.includes('--ignore-scripts') };
  }
  if (verb === 'test' || verb === 't' || verb === 'config' || verb === 'cache' || verb === 'audit' || verb === '--version' || verb === 'prune') return { kind: 'build-only' };
  if (verb === 'run' || verb === 'run-script') {
    const script = words.slice(2).find((w) => !w.startsWith('-')) ?? '';
    return NODE_TEST_SCRIPTS.test(script) ? { kind: 'build-only' } : { kind: 'node-build' };
  }
  return { kind: 'unknown' };
}

function classifyJava(words: string[], cwd: string): Kind {
  const program = path.posix.basename(words[0]!);
  const display = words.join(' ');
  if (program === 'mvn' || program === 'mvnw') {
    let dir = cwd;
    const goals: string[] = [];
    for (let i = 1; i < words.length; i++) {
      const word = words[i]!;
      if (word === '-f' || word === '--file') dir = path.posix.resolve(cwd, path.posix.dirname(words[++i] ?? '.'));
      else if (['-s', '--settings', '-T', '--threads', '-P', '-pl', '--projects', '-rf', '-l', '-D'].includes(word)) i++;
      else if (!word.startsWith('-')) goals.push(word);
    }
    if (!goals.some((g) => ['package', 'verify', 'install', 'deploy', 'spring-boot:repackage'].includes(g))) return { kind: 'build-only' };
    return { kind: 'build', outputs: [jarOutput(dir, 'target', display)] };
  }
  if (program === 'gradle' || program === 'gradlew') {
    let dir = cwd;
    const tasks: string[] = [];
    for (let i = 1; i < words.length; i++) {
      const word = words[i]!;
      if (word === '-p' || word === '--project-dir') dir = path.posix.resolve(cwd, words[++i] ?? '.');
      else if (word === '-x' || word === '--exclude-task') i++;
      else if (!word.startsWith('-')) tasks.push(word);
    }
    if (!tasks.some((t) => /^(:?[\w-]+:)*(build|assemble|jar|bootJar|shadowJar|installDist|distTar|distZip|bootDistTar)$/.test(t))) return { kind: 'build-only' };
    return { kind: 'build', outputs: [jarOutput(dir, 'build', display)] };
  }
  if (program === 'java' || program === 'javac' || program === 'jar') return { kind: 'unknown' };
  return { kind: 'unknown' };
}

/** Maven writes `<module>/target/*.jar`, Gradle `<project>/build/libs/*.jar` and `build/install/<name>/`. */
function jarOutput(dir: string, folder: 'target' | 'build', display: string): Omit<Output, 'run' | 'user'> {
  return prefixOutput(dir, display, (artifact, rel) => {
    const parts = rel.split('/');
    const at = parts.indexOf(folder);
    if (at < 0) return null;
    const below = parts.slice(at + 1);
    if (folder === 'target' && below.length === 1 && below[0]!.endsWith('.jar')) return { path: artifact, dir: false };
    if (folder === 'build' && below[0] === 'libs' && below.length === 2 && below[1]!.endsWith('.jar')) return { path: artifact, dir: false };
    if (folder === 'build' && below[0] === 'install' && below.length >= 3) {
      return { path: path.posix.join(dir, ...parts.slice(0, at + 3)), dir: true };
    }
    return null;
  });
}

function classifyDotnet(words: string[], cwd: string): Kind {
  if (path.posix.basename(words[0]!) !== 'dotnet') return { kind: 'unknown' };
  const verb = words[1];
  if (['restore', 'build', 'test', 'tool', 'nuget', '--info', '--version', 'workload', 'dev-certs'].includes(verb ?? '')) return { kind: 'build-only' };
  if (verb !== 'publish') return { kind: 'unknown' };
  let out: string | null = null;
  let project: string | null = null;
  let selfContained = false;
  for (let i = 2; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-o' || word === '--output') out = words[++i] ?? null;
    else if (word.startsWith('--output=')) out = word.slice(9);
    else if (word === '--self-contained' || word === '--sc' || /^[-/]p:SelfContained=true$/i.test(word)) selfContained = words[i + 1] === 'false' ? false : true;
    else if (['-c', '--configuration', '-r', '--runtime', '-f', '--framework', '-v', '--verbosity', '-a', '--arch', '--os'].includes(word)) i++;
    else if (!word.startsWith('-') && !word.startsWith('/')) project = word;
  }
  const display = words.join(' ');
  const projectDir = project && /\.(cs|fs|vb)proj$|\.sln$/.test(project) ? path.posix.resolve(cwd, path.posix.dirname(project)) : project ? path.posix.resolve(cwd, project) : cwd;
  if (out !== null) {
    if (out.includes('$')) return { kind: 'unknown', why: `\`${display}\` names its output with a variable` };
    const dir = path.posix.resolve(cwd, out);
    return { kind: 'build', outputs: [{ ...prefixOutput(dir, display, () => ({ path: dir, dir: true })), static: selfContained }] };
  }
  return {
    kind: 'build',
    outputs: [{ ...prefixOutput(path.posix.join(projectDir, 'bin'), display, (artifact, rel) => (rel.split('/').includes('publish') ? { path: path.posix.dirname(artifact), dir: true } : null)), static: selfContained }],
  };
}

function classifyRust(words: string[], cwd: string, env: Map<string, string | null>): Kind {
  const program = path.posix.basename(words[0]!);
  if (program === 'rustup' || program === 'rustc') return { kind: 'build-only' };
  if (program !== 'cargo') return { kind: 'unknown' };
  const verb = words[1];
  const display = words.join(' ');
  if (['fetch', 'test', 'check', 'clippy', 'fmt', 'doc', 'vendor', 'generate-lockfile', 'update', 'metadata', 'version', '--version', 'tree', 'chef'].includes(verb ?? '')) return { kind: 'build-only' };
  if (verb === 'build' || verb === 'b') {
    let profile = 'debug';
    let triple: string | null = null;
    for (let i = 2; i < words.length; i++) {
      const word = words[i]!;
      if (word === '--release' || word === '-r') profile = 'release';
      else if (word === '--profile') profile = words[++i] ?? profile;
      else if (word.startsWith('--profile=')) profile = word.slice(10);
      else if (word === '--target') triple = words[++i] ?? null;
      else if (word.startsWith('--target=')) triple = word.slice(9);
      else if (word === '--target-dir') return { kind: 'unknown', why: `\`${display}\` moves its output with --target-dir` };
    }
    if (profile === 'dev') profile = 'debug';
    const targetDir = env.get('CARGO_TARGET_DIR');
    if (targetDir === null) return { kind: 'unknown', why: 'CARGO_TARGET_DIR is set to a value dockeropt cannot read' };
    const root = path.posix.resolve(cwd, targetDir ?? 'target');
    const dir = path.posix.join(root, ...(triple ? [triple] : []), profile);
    return { kind: 'build', outputs: [prefixOutput(dir, display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false }))] };
  }
  if (verb === 'install') {
    if (!words.includes('--path')) return { kind: 'build-only' };
    const rootIndex = words.indexOf('--root');
    const cargoHome = env.get('CARGO_HOME') ?? '/usr/local/cargo';
    const root = rootIndex >= 0 ? path.posix.resolve(cwd, words[rootIndex + 1] ?? '.') : cargoHome;
    if (root === null) return { kind: 'unknown', why: 'CARGO_HOME is set to a value dockeropt cannot read' };
    return { kind: 'build', outputs: [prefixOutput(path.posix.join(root, 'bin'), display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false }))] };
  }
  return { kind: 'unknown' };
}

function classifyElixir(words: string[], cwd: string, env: Map<string, string | null>): Kind {
  const program = path.posix.basename(words[0]!);
  if (program === 'npm' || program === 'npx' || program === 'yarn') return { kind: 'build-only' };
  if (program !== 'mix') return { kind: 'unknown' };
  if (words[1] !== 'release') return { kind: 'build-only' };
  const pathIndex = words.indexOf('--path');
  const display = words.join(' ');
  if (pathIndex >= 0) {
    const dir = path.posix.resolve(cwd, words[pathIndex + 1] ?? '.');
    return { kind: 'build', outputs: [prefixOutput(dir, display, () => ({ path: dir, dir: true }))] };
  }
  const mixEnv = env.has('MIX_ENV') ? env.get('MIX_ENV')! : 'dev';
  if (mixEnv === null) return { kind: 'unknown', why: 'MIX_ENV is set to a value dockeropt cannot read, so the release folder is unknown' };
  const rel = path.posix.join(cwd, '_build', mixEnv, 'rel');
  return { kind: 'build', outputs: [prefixOutput(rel, display, (_artifact, relative) => ({ path: path.posix.join(rel, relative.split('/')[0]!), dir: true }))] };
}

const PIP_INSTALL_ONLY_FLAGS = new Set(['--upgrade', '-U', '--force-reinstall', '-I', '--ignore-installed', '--no-warn-script-location', '--compile', '--no-compile', '--break-system-packages', '--upgrade-strategy', '--root-user-action', '--no-warn-conflicts', '--user', '--prefix', '--target', '-t', '--root']);
const PIP_VALUED = new Set(['-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '--trusted-host', '-f', '--find-links', '--upgrade-strategy', '--root-user-action', '--prefix', '--target', '-t', '--root', '--cache-dir', '--only-binary', '--no-binary', '--progress-bar', '--timeout', '--retries']);
const PIP_INDEX_FLAGS = new Set(['-i', '--index-url', '--extra-index-url', '--trusted-host', '-f', '--find-links', '--no-index']);

function classifyPython(words: string[], assigns: Map<string, string>): Kind {
  let args: string[];
  let lead: string[];
  const program = path.posix.basename(words[0]!);
  if (/^pip3?(\.\d+)?$/.test(program)) {
    lead = [words[0]!];
    args = words.slice(1);
  } else if (/^python3?(\.\d+)?$/.test(program) && words[1] === '-m' && words[2] === 'pip') {
    lead = words.slice(0, 3);
    args = words.slice(3);
  } else {
    return { kind: 'unknown' };
  }
  if (args[0] !== 'install') return args[0] === 'wheel' || args[0] === 'download' ? { kind: 'build-only' } : { kind: 'unknown' };
  const rest = args.slice(1);
  const specs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const name = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
    if (['--user', '--prefix', '--target', '-t', '--root', '-e', '--editable'].includes(name)) {
      return { kind: 'unknown', why: `\`${words.join(' ')}\` installs with ${name}, which the wheel rewrite does not handle` };
    }
    if (PIP_VALUED.has(word)) {
      i++;
      continue;
    }
    if (!word.startsWith('-')) specs.push(word);
  }
  if (specs.some((s) => /^(\.|\/|file:)|\/|\.whl$|\.tar\.gz$|\.zip$/.test(s))) {
    return { kind: 'unknown', why: `\`${words.join(' ')}\` installs a local project or file, which would be built again in the runtime stage` };
  }
  if (specs.every((s) => /^(pip|setuptools|wheel)([<>=!~].*)?$/.test(s)) && specs.length > 0) return { kind: 'noop' };
  const requirementFiles = rest.some((w) => w === '-r' || w === '--requirement' || w.startsWith('--requirement=') || /^-r./.test(w));
  if (specs.length === 0 && !requirementFiles) return { kind: 'unknown' };
  const prefix = [...assigns].map(([k, v]) => `${k}=${shellWord(v)} `).join('');
  const keep = (drop: Set<string>) => {
    const out: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const word = rest[i]!;
      const name = word.includes('=') && word.startsWith('--') ? word.slice(0, word.indexOf('=')) : word;
      if (drop.has(name)) {
        if (PIP_VALUED.has(name) && !word.includes('=')) i++;
        continue;
      }
      out.push(word);
      if (PIP_VALUED.has(word)) out.push(rest[++i] ?? '');
    }
    return out.map(shellWord).join(' ');
  };
  const build = `${prefix}${[...lead, 'wheel'].map(shellWord).join(' ')} --wheel-dir /wheels ${keep(PIP_INSTALL_ONLY_FLAGS)}`;
  const runtime = `${prefix}${[...lead, 'install'].map(shellWord).join(' ')} --no-index --find-links=/wheels ${keep(PIP_INDEX_FLAGS)}`;
  return { kind: 'pip', rewrite: { build: build.trimEnd(), runtime: runtime.trimEnd() } };
}

function isPipInstall(words: string[]): boolean {
  const program = path.posix.basename(words[0] ?? '');
  return (/^pip3?(\.\d+)?$/.test(program) && words[1] === 'install') || (/^python3?(\.\d+)?$/.test(program) && words[1] === '-m' && words[2] === 'pip' && words[3] === 'install');
}

function shellWord(word: string): string {
  if (/^[\w@%+=:,./<>~^-]+$/.test(word) && !/[<>]/.test(word)) return word;
  if (/^["'$]/.test(word) || word.includes('$')) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------
// The program the image runs

interface Program {
  argv: string[];
  /** Runs through /bin/sh -c (shell form). */
  shell: boolean;
  at: InstructionView;
  cmd: InstructionView | null;
  entrypoint: InstructionView | null;
}

function lastOf(instructions: InstructionView[], keyword: string): InstructionView | null {
  return [...instructions].reverse().find((i) => i.keyword === keyword) ?? null;
}

function programOf(scan: Scan): Program {
  const cmd = lastOf(scan.instructions, 'CMD');
  const entrypoint = lastOf(scan.instructions, 'ENTRYPOINT');
  const at = entrypoint ?? cmd;
  if (!at) return skip(scan.from, 'the file has no CMD or ENTRYPOINT, so dockeropt cannot tell what the runtime needs');
  const shellWords = (instruction: InstructionView): string[] => {
    const chain = analyzeChain(instruction.args);
    if (!chain || chain.length !== 1 || !chain[0]!.words) {
      return skip(instruction, `the shell-form ${instruction.keyword} runs more than one command, so dockeropt cannot tell which files it needs`);
    }
    const words = chain[0]!.words;
    return words[0] === 'exec' ? words.slice(1) : words;
  };
  if (entrypoint && !entrypoint.execForm) return { argv: shellWords(entrypoint), shell: true, at: entrypoint, cmd, entrypoint };
  if (entrypoint) {
    if (cmd && !cmd.execForm) return skip(cmd, 'an exec-form ENTRYPOINT with a shell-form CMD runs `/bin/sh -c` as an argument, which dockeropt does not follow');
    return { argv: [...entrypoint.execForm!, ...(cmd?.execForm ?? [])], shell: false, at: entrypoint, cmd, entrypoint };
  }
  if (!cmd!.execForm) return { argv: shellWords(cmd!), shell: true, at: cmd!, cmd, entrypoint };
  return { argv: cmd!.execForm, shell: false, at: cmd!, cmd, entrypoint };
}

/** Why running these words needs the build toolchain or runs a dev server, or null. */
function toolchainUse(argv: string[]): string | null {
  const program = path.posix.basename(argv[0] ?? '');
  const sub = argv.slice(1).find((w) => !w.startsWith('-')) ?? '';
  const shown = `\`${argv.slice(0, 3).join(' ')}\``;
  const devServers: Record<string, string> = {
    nodemon: 'a dev server that watches the sources', 'ts-node': 'TypeScript from the sources through a dev dependency',
    tsx: 'TypeScript from the sources through a dev dependency', vite: 'the Vite dev server', nuxt: 'the Nuxt dev server',
    ng: 'the Angular CLI', 'react-scripts': 'the Create React App dev server', 'webpack-dev-server': 'the webpack dev server',
    parcel: 'the Parcel dev server', 'next': 'Next.js, which reads .next/, public/ and next.config at run time (not handled yet)',
  };
  if (devServers[program]) return `the CMD runs ${shown}: ${devServers[program]}`;
  if (program === 'webpack' && sub === 'serve') return `the CMD runs ${shown}: the webpack dev server`;
  if (['go', 'cargo', 'rustc', 'mvn', 'mvnw', 'gradle', 'gradlew', 'gcc', 'make', 'javac'].includes(program)) {
    return `the CMD runs ${shown}, which needs the build toolchain at run time`;
  }
  if (program === 'dotnet' && ['run', 'watch', 'build', 'test'].includes(sub)) return `the CMD runs ${shown}, which needs the .NET SDK at run time`;
  if (program === 'mix' || (program === 'iex' && argv.includes('-S'))) return `the CMD runs ${shown}, which compiles the project with Mix at run time`;
  if (program === 'npx' || program === 'yarn' || program === 'pnpm') return `the CMD runs ${shown}, which needs the package manager and dev dependencies at run time`;
  if (program === 'npm' && sub !== 'start' && !(sub === 'run' && /^start(:|$)/.test(argv[argv.indexOf('run') + 1] ?? ''))) {
    return `the CMD runs ${shown}, a dev or build script`;
  }
  if (/^python3?(\.\d+)?$/.test(program) && argv.some((w) => /^runserver/.test(w))) return `the CMD runs ${shown}, Django's development server`;
  if ((program === 'flask' && sub === 'run') || argv.includes('--reload')) return `the CMD runs ${shown}, a development server that reloads from the sources`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Planning

interface Artifact {
  path: string;
  dir: boolean;
  output: Output | null;
  /** Why it is copied, for the reason text. */
  note: string;
}

interface Runtime {
  image: RuntimeImage;
  /** Why this image, for the reason text. */
  why: string;
  /** Set ENV in the runtime stage that the build image set (LANG for Elixir). */
  env?: string[];
  /** apt packages the recipe itself needs in the runtime. */
  packages?: string[];
  /** The program links no C libraries (a static Go binary): `-dev` packages are build-only. */
  noLibraries?: boolean;
}

function plan(scan: Scan): Proposal {
  const { recipe, instructions } = scan;
  for (const instruction of instructions) {
    if (instruction.keyword === 'SHELL') skip(instruction, 'the stage sets a SHELL, so dockeropt cannot read its RUN steps safely');
    if (instruction.keyword === 'ONBUILD') skip(instruction, 'ONBUILD triggers run in images built from this one; they would land in the build stage only');
    if (instruction.keyword === 'WORKDIR' && scan.states.get(instruction) && instruction.args.includes('$')) {
      skip(instruction, 'WORKDIR uses a variable, so the paths the runtime needs are unknown');
    }
    if (instruction.keyword === 'USER' && instruction.args.includes('$') && !(recipe === 'dotnet' && /^\$\{?APP_UID\}?$/.test(instruction.args.trim()))) {
      skip(instruction, 'USER uses a variable, so dockeropt cannot check that the runtime image has that user');
    }
  }
  if (recipe === 'python') return planPython(scan);

  const program = programOf(scan);
  const toolchain = toolchainUse(program.argv);
  if (toolchain) return skip(program.at, toolchain);
  for (const item of scan.items) if (item.kind.kind === 'unknown' && item.kind.why) skip(item.run, item.kind.why);
  const outputs: Output[] = [];
  for (const item of scan.items) {
    if (item.kind.kind === 'build') for (const output of item.kind.outputs) outputs.push({ ...output, run: item.run, user: item.user });
  }
  const finalState = stateAfter(scan);
  const workdir = finalState.workdir;
  if (workdir === '\u0000') return skip(program.at, 'WORKDIR uses a variable, so the paths the runtime needs are unknown');

  // cp/mv of build output (`cp target/*.jar /app.jar`) makes the destination an output too.
  for (const item of scan.items) {
    if (item.kind.kind !== 'copy') continue;
    const sources = item.kind.sources;
    const producing = outputs.find((o) => sources.every((s) => s.startsWith(o.path.endsWith('/') ? o.path : `${o.path}/`) || s === o.path));
    if (!producing) continue;
    const dest = item.kind.dest;
    const display = `${producing.display}\` and \`${item.words.join(' ')}`;
    outputs.push(
      dest.endsWith('/')
        ? { ...prefixOutput(dest, display, (artifact, rel) => (rel.includes('/') ? null : { path: artifact, dir: false })), run: item.run, user: item.user, static: producing.static }
        : { ...fileOutput(dest, display), run: item.run, user: item.user, static: producing.static },
    );
  }

  const recipePlan = planRecipe(scan, program, outputs, workdir);
  const { artifacts, runtime } = recipePlan;
  const keep = Array.isArray(scan.options['keep']) ? (scan.options['keep'] as string[]) : [];
  for (const extra of keep) {
    const full = path.posix.resolve(workdir, extra);
    if (!artifacts.some((a) => a.path === full)) artifacts.push({ path: full, dir: !/\.[^/]+$/.test(full) || extra.endsWith('/'), output: null, note: 'named in the keep option' });
  }
  return buildProposal(scan, program, artifacts, runtime, recipePlan.runtimeSteps ?? [], recipePlan.notes ?? []);
}

function stateAfter(scan: Scan): State {
  const last = scan.instructions.at(-1);
  if (!last) return { workdir: '/', user: null, env: new Map() };
  const state = scan.states.get(last)!;
  const next = { ...state, env: new Map(state.env) };
  if (last.keyword === 'WORKDIR') next.workdir = last.args.includes('$') ? '\u0000' : path.posix.resolve(state.workdir, last.args.trim());
  if (last.keyword === 'USER') next.user = last.args.trim();
  return next;
}

interface RecipePlan {
  artifacts: Artifact[];
  runtime: Runtime;
  /** Runtime-stage lines that come before the artifacts are copied (Node's production install). */
  runtimeSteps?: string[];
  notes?: string[];
}

/** The file a path in the program's arguments names, resolved against the working folder. */
function resolveArg(workdir: string, value: string, at: InstructionView): string {
  if (value.includes('$')) return skip(at, `the CMD names ${value} with a variable`);
  return path.posix.resolve(workdir, value);
}

function attribute(outputs: Output[], artifact: string, at: InstructionView, what: string): Artifact {
  for (const output of [...outputs].reverse()) {
    const copy = output.copyFor(artifact);
    if (copy) return { ...copy, output, note: `${what}, written by \`${output.display}\`` };
  }
  return skip(at, `the CMD runs ${artifact}, which no build step dockeropt understands writes, so it cannot tell what the runtime needs`);
}

/** The program file the argv runs when it is the build's binary (`/out/server`, `./server`). */
function binaryArtifact(scan: Scan, program: Program, outputs: Output[], workdir: string, what: string): Artifact {
  const first = program.argv[0]!;
  if (!first.includes('/')) {
    const onPath = outputs.find((o) => o.copyFor(path.posix.join(o.path, first)));
    if (onPath) return skip(program.at, `the CMD runs \`${first}\` through PATH (installed by \`${onPath.display}\`); the runtime image's PATH differs, so name the binary by its path`);
    return skip(program.at, `the CMD runs \`${first}\`, which is not the build's output, so dockeropt cannot tell what the runtime needs`);
  }
  const artifact = attribute(outputs, resolveArg(workdir, first, program.at), program.at, what);
  // A build whose output name dockeropt infers (`go build` without -o) must not be confused with a file of the sources.
  if (artifact.output && artifact.output.path.endsWith('/') && scan.context) {
    const folder = contextFolderFor(scan, artifact.output.run, path.posix.dirname(artifact.path));
    if (folder !== null && scan.context.isSent(path.posix.join(folder, path.posix.basename(artifact.path)))) {
      return skip(program.at, `${artifact.path} is also a file of the build context, so dockeropt cannot tell that the build wrote it`);
    }
  }
  return artifact;
}

function planRecipe(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  switch (scan.recipe) {
    case 'go':
      return planGo(scan, program, outputs, workdir);
    case 'node':
      return planNode(scan, program, workdir);
    case 'java':
      return planJava(scan, program, outputs, workdir);
    case 'dotnet':
      return planDotnet(scan, program, outputs, workdir);
    case 'rust':
      return planRust(scan, program, outputs, workdir);
    case 'elixir':
      return planElixir(scan, program, outputs, workdir);
    case 'python':
      throw new Error('python is planned separately');
  }
}

function optionImage(scan: Scan, key: keyof typeof IMAGE_OPTIONS): RuntimeImage | null {
  const value = scan.options[key];
  return typeof value === 'string' && value.trim() !== '' ? configuredImage(value.trim()) : null;
}

function suiteOf(scan: Scan, family: 'golang' | 'rust' | 'elixir'): { suite: Suite; assumed: string | null } {
  const named = suiteInTag(scan.base.tag);
  if (named) return { suite: named, assumed: null };
  const suite = defaultSuite(family, tagVersion(scan.base.tag));
  return { suite, assumed: `assuming ${formatImageRef(scan.base)} is built on Debian ${suite}` };
}

function planGo(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  const artifact = binaryArtifact(scan, program, outputs, workdir, 'the Go binary');
  const isStatic = artifact.output?.static === true;
  if (!isStatic) {
    const libraries = scan.items.flatMap((i) => (i.kind.kind === 'apt' ? i.kind.packages : [])).filter((p) => p.endsWith('-dev') && !BUILD_ONLY_PACKAGES.has(p));
    if (libraries.length > 0 && !optionImage(scan, 'goBase')) {
      return skip(artifact.output?.run ?? program.at, `cgo is on and the build installs ${libraries.join(', ')}, so the binary may link libraries the runtime image lacks; set CGO_ENABLED=0, or name a runtime image with the goBase option`);
    }
  }
  const configured = optionImage(scan, isStatic ? 'goStaticBase' : 'goBase');
  const { suite, assumed } = suiteOf(scan, 'golang');
  const image = configured ?? distrolessImage(isStatic ? 'static' : 'base', suite);
  const why = configured
    ? `${image.ref} (from the ${isStatic ? 'goStaticBase' : 'goBase'} option)`
    : isStatic
      ? `${image.ref}, since CGO_ENABLED=0 makes a static binary`
      : `${image.ref} (glibc), since cgo is not turned off (set CGO_ENABLED=0 for a static binary)${assumed ? `; ${assumed}` : ''}`;
  return { artifacts: [artifact], runtime: { image, why, noLibraries: isStatic } };
}

function planRust(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  const artifact = binaryArtifact(scan, program, outputs, workdir, 'the Rust binary');
  const configured = optionImage(scan, 'rustBase');
  const { suite, assumed } = suiteOf(scan, 'rust');
  const image = configured ?? debianSlimImage(suite);
  const context = scan.context;
  if (!context) return skip(artifact.output?.run ?? program.at, 'the build context is not available, so dockeropt cannot read Cargo.lock for the C libraries the binary links');
  const folder = contextFolderFor(scan, artifact.output?.run ?? program.at, artifact.output ? cwdOf(scan, artifact.output.run) : workdir);
  if (folder === null) return skip(artifact.output?.run ?? program.at, 'dockeropt cannot tell which folder of the build context holds Cargo.lock');
  const lock = context.readText(path.posix.join(folder, 'Cargo.lock'));
  if (lock === null) return skip(artifact.output?.run ?? program.at, `${path.posix.join(folder, 'Cargo.lock') || 'Cargo.lock'} is not in the build context, so the C libraries the binary links are unknown`);
  const crates = [...lock.matchAll(/^name = "([^"]+)"/gm)].map((m) => m[1]!);
  const packages = new Set<string>(['ca-certificates']);
  const linked: string[] = [];
  for (const crate of crates) {
    const pkg = SYS_CRATE_PACKAGES[crate];
    if (pkg) {
      packages.add(pkg);
      linked.push(`${crate} → ${pkg}`);
    }
  }
  const why = configured ? `${image.ref} (from the rustBase option)` : `${image.ref}${assumed ? ` (${assumed})` : ''}`;
  return {
    artifacts: [artifact],
    runtime: { image, why, packages: [...packages] },
    notes: linked.length ? [`C libraries from Cargo.lock: ${linked.join(', ')}`] : [],
  };
}

function planElixir(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  const artifact = binaryArtifact(scan, program, outputs, workdir, 'the Mix release');
  const configured = optionImage(scan, 'elixirBase');
  const { suite, assumed } = suiteOf(scan, 'elixir');
  const image = configured ?? debianSlimImage(suite);
  const why = configured ? `${image.ref} (from the elixirBase option)` : `${image.ref}${assumed ? ` (${assumed})` : ''}, with the libraries the release's ERTS links (libstdc++, OpenSSL, ncurses) and a UTF-8 locale`;
  return {
    artifacts: [artifact],
    runtime: { image, why, packages: ['libstdc++6', 'openssl', 'libncurses6', 'locales', 'ca-certificates'], env: ['LANG=C.UTF-8'] },
  };
}

function planJava(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  const argv = program.argv;
  let artifact: Artifact;
  if (path.posix.basename(argv[0]!) === 'java') {
    const jarAt = argv.indexOf('-jar');
    if (jarAt < 0) return skip(program.at, 'the CMD runs java without -jar (a classpath), so dockeropt cannot tell which files it loads');
    const before = argv.slice(1, jarAt);
    if (before.some((w) => !w.startsWith('-') || ['-cp', '-classpath', '--class-path', '-p', '--module-path'].includes(w))) {
      return skip(program.at, 'the CMD gives java a classpath or module path, so dockeropt cannot tell which files it loads');
    }
    const jar = argv[jarAt + 1];
    if (!jar) return skip(program.at, 'the CMD runs java -jar without a jar');
    artifact = attribute(outputs, resolveArg(workdir, jar, program.at), program.at, 'the jar');
  } else {
    artifact = binaryArtifact(scan, program, outputs, workdir, 'the application folder');
  }
  const run = artifact.output?.run ?? program.at;
  const context = scan.context;
  if (!context) return skip(run, 'the build context is not available, so dockeropt cannot check the build file for a classpath outside the jar');
  const folder = contextFolderFor(scan, run, cwdOf(scan, run));
  if (folder === null) return skip(run, 'dockeropt cannot tell which folder of the build context holds the build file');
  const buildFiles = ['pom.xml', 'build.gradle', 'build.gradle.kts'].map((f) => path.posix.join(folder, f));
  const texts = buildFiles.map((f) => [f, context.readText(f)] as const).filter(([, t]) => t !== null);
  if (texts.length === 0) return skip(run, `no pom.xml or build.gradle in ${folder || 'the context root'}, so dockeropt cannot check for a classpath outside the jar`);
  for (const [file, text] of texts) {
    const clue = /copy-dependencies|addClasspath|classpathPrefix|Class-Path/.exec(text!);
    if (clue && !artifact.dir) return skip(run, `${file} uses ${clue[0]}: the jar loads files beside it, which the runtime would lack`);
  }
  const configured = optionImage(scan, 'javaBase');
  const name = officialName(scan.base)?.name ?? scan.base.path;
  const jdk = jdkOfBuildImage(name, scan.base.tag);
  if (!configured && !jdk) return skip(scan.from, `dockeropt cannot tell the Java version of ${formatImageRef(scan.base)}; set the javaBase option`);
  const tag = scan.base.tag ?? '';
  const distro = /alpine|jammy|noble|focal|ubi\d+-minimal/.exec(tag)?.[0];
  const variant = distro ? `-${distro}` : '';
  const image = configured ?? temurinJreImage(formatImageRef(withNameAndTag(scan.base, 'eclipse-temurin', `${jdk!.major}-jre${variant}`)));
  const why = configured ? `${image.ref} (from the javaBase option)` : `${image.ref}, the JRE of Java ${jdk!.major}${jdk!.assumed ? ` (assuming ${jdk!.assumed})` : ''}`;
  return { artifacts: [artifact], runtime: { image, why } };
}

function planDotnet(scan: Scan, program: Program, outputs: Output[], workdir: string): RecipePlan {
  const argv = program.argv;
  let artifact: Artifact;
  const first = path.posix.basename(argv[0]!);
  if (first === 'dotnet') {
    const dll = argv[1];
    if (!dll || !dll.endsWith('.dll')) return skip(program.at, `the CMD runs \`${argv.slice(0, 2).join(' ')}\`, not an application dll`);
    artifact = attribute(outputs, resolveArg(workdir, dll, program.at), program.at, 'the published application');
  } else {
    artifact = binaryArtifact(scan, program, outputs, workdir, 'the published application');
  }
  const selfContained = artifact.output?.static === true;
  const configured = optionImage(scan, 'dotnetBase');
  let flavour: 'aspnet' | 'runtime' | 'runtime-deps' = selfContained ? 'runtime-deps' : 'aspnet';
  let flavourWhy = selfContained ? 'the publish is self-contained' : 'the project type is unknown (aspnet also runs console apps)';
  if (!selfContained && scan.context && artifact.output) {
    const folder = contextFolderFor(scan, artifact.output.run, cwdOf(scan, artifact.output.run));
    const projects = folder === null ? 'too-many' : scan.context.sentUnder(folder);
    if (projects !== 'too-many') {
      const sdks = projects.filter((f) => /\.(cs|fs|vb)proj$/.test(f)).map((f) => /Sdk="([^"]+)"/.exec(scan.context!.readText(f) ?? '')?.[1] ?? '');
      if (sdks.length > 0 && sdks.every((sdk) => sdk === 'Microsoft.NET.Sdk' || sdk === 'Microsoft.NET.Sdk.Worker')) {
        flavour = 'runtime';
        flavourWhy = 'the projects use Microsoft.NET.Sdk (no ASP.NET Core)';
      } else if (sdks.some((sdk) => sdk === 'Microsoft.NET.Sdk.Web')) {
        flavourWhy = 'the project uses Microsoft.NET.Sdk.Web';
      }
    }
  }
  const tag = scan.base.tag ?? 'latest';
  const match = /^(\d+\.\d+)(?:\.\d+)?(.*)$/.exec(tag);
  if (!configured && !match) return skip(scan.from, `dockeropt cannot read the .NET version in ${formatImageRef(scan.base)}; set the dotnetBase option`);
  const ref = configured?.ref ?? `mcr.microsoft.com/dotnet/${flavour}:${match![1]}${match![2]}`;
  const image = configured ?? dotnetRuntimeImage(ref);
  const why = configured ? `${image.ref} (from the dotnetBase option)` : `${image.ref}, since ${flavourWhy}`;
  return { artifacts: [artifact], runtime: { image, why } };
}

function planNode(scan: Scan, program: Program, workdir: string): RecipePlan {
  const installs = scan.items.filter((i) => i.kind.kind === 'node-install');
  const install = installs.at(-1);
  const build = scan.items.filter((i) => i.kind.kind === 'node-build').at(-1)!;
  if (!install) return skip(build.run, 'no `npm ci` before the build, so the production dependencies are unknown');
  if (installs.some((i) => i.cwd !== install.cwd)) return skip(install.run, 'npm installs run in more than one folder');
  const appDir = install.cwd;
  if (appDir === '\u0000') return skip(install.run, 'the install runs in a folder set with a variable');
  if (workdir !== appDir) return skip(program.at, `the CMD runs in ${workdir} but \`npm ci\` ran in ${appDir}`);
  const context = scan.context;
  if (!context) return skip(install.run, 'the build context is not available, so dockeropt cannot read package.json and the lockfile');
  const folder = contextFolderFor(scan, install.run, appDir);
  if (folder === null) return skip(install.run, `dockeropt cannot tell which folder of the build context was copied to ${appDir}`);
  const inContext = (relative: string) => path.posix.join(folder, relative);
  const manifestText = context.readText(inContext('package.json'));
  if (manifestText === null) return skip(install.run, `${inContext('package.json')} is not in the build context`);
  let manifest: { scripts?: Record<string, string>; workspaces?: unknown };
  try {
    manifest = JSON.parse(manifestText) as typeof manifest;
  } catch {
    return skip(install.run, `${inContext('package.json')} is not valid JSON`);
  }
  if (manifest.workspaces !== undefined) return skip(install.run, 'package.json has workspaces, whose members the runtime install would need');
  const scripts = manifest.scripts ?? {};

  // The entry file: `node FILE`, or the start script's `node FILE` for `npm start`.
  let argv = program.argv;
  let via = '';
  if (path.posix.basename(argv[0]!) === 'npm') {
    const name = argv[1] === 'run' || argv[1] === 'run-script' ? argv[2] ?? '' : argv[1] === 'start' ? 'start' : '';
    const body = scripts[name];
    if (typeof body !== 'string') return skip(program.at, `the CMD runs \`npm ${argv.slice(1).join(' ')}\`, but package.json has no "${name}" script`);
    const pre = scripts[`pre${name}`];
    if (typeof pre === 'string') return skip(program.at, `\`npm ${name === 'start' ? 'start' : `run ${name}`}\` runs the "pre${name}" script first (${pre}), which may rebuild at run time`);
    const chain = analyzeChain(body);
    if (!chain || chain.length !== 1 || !chain[0]!.words || path.posix.basename(chain[0]!.words[0] ?? '') !== 'node') {
      const use = chain?.map((c) => c.words && toolchainUse(c.words)).find(Boolean);
      return skip(program.at, use ? `\`npm start\` runs "${body}": ${use.replace(/^the CMD runs /, '')}` : `\`npm ${name}\` runs "${body}", which may rebuild or need dev dependencies; dockeropt splits only scripts that run \`node FILE\``);
    }
    argv = chain[0]!.words;
    via = ` (through the "${name}" script)`;
    const use = toolchainUse(argv);
    if (use) return skip(program.at, use);
  }
  if (path.posix.basename(argv[0]!) !== 'node') return skip(program.at, `the CMD runs \`${argv[0]}\`, not node with a file, so dockeropt cannot tell which files it needs`);
  const args = argv.slice(1);
  let entry: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print'].includes(word)) {
      return skip(program.at, `the CMD runs node ${word}, which loads code dockeropt does not follow`);
    }
    if (!word.startsWith('-')) {
      entry = word;
      break;
    }
  }
  if (!entry) return skip(program.at, 'the CMD runs node without a file');
  const entryPath = resolveArg(appDir, entry, program.at);
  const relative = path.posix.relative(appDir, entryPath);
  if (relative.startsWith('..') || !relative.includes('/')) {
    return skip(program.at, `the CMD runs ${entry} from the sources, not from a build output folder, so dockeropt cannot tell which files the build made that it reads`);
  }
  const outFolder = relative.split('/')[0]!;
  if (outFolder === 'node_modules') return skip(program.at, `the CMD runs ${entry} from node_modules`);
  if (context.isSent(inContext(outFolder))) {
    return skip(program.at, `${outFolder}/ is in the build context, so dockeropt cannot tell which of its files the build wrote`);
  }

  // The runtime's production install: what `npm ci --omit=dev` reads, and no install scripts that need compilers.
  const match = matchInstall(['npm', 'ci', '--omit=dev', ...(install.kind.kind === 'node-install' && install.kind.ignoreScripts ? ['--ignore-scripts'] : [])]);
  if (!match || 'skip' in match) return skip(install.run, match && 'skip' in match ? match.skip : 'npm ci is not understood');
  const directory = {
    isSent: (r: string) => context.isSent(inContext(r)),
    isSentDirectory: (r: string) => (r === '' ? true : context.isSentDirectory(inContext(r))),
    readText: (r: string) => context.readText(inContext(r)),
    sentUnder: (r: string) => {
      const listing = context.sentUnder(inContext(r));
      return listing === 'too-many' ? listing : listing.map((f) => (folder ? f.slice(folder.length + 1) : f));
    },
  };
  const installPlan = match.plan(directory);
  if ('skip' in installPlan) return skip(install.run, `the runtime's \`npm ci --omit=dev\` cannot be planned: ${installPlan.skip}`);
  const lockName = ['npm-shrinkwrap.json', 'package-lock.json'].find((f) => installPlan.reads.includes(f))!;
  const native = nativeInstallScripts(context.readText(inContext(lockName)) ?? '');
  if (native.length > 0) {
    return skip(install.run, `${native.slice(0, 3).join(', ')} run${native.length === 1 ? 's' : ''} an install script (often node-gyp, which needs python3, make and g++), and the slim runtime has no compilers`);
  }
  const aptCompilers = scan.items.flatMap((i) => (i.kind.kind === 'apt' ? i.kind.packages : [])).filter((p) => BUILD_ONLY_PACKAGES.has(p) || p.endsWith('-dev') || p === 'python3');
  if (aptCompilers.length > 0) {
    return skip(install.run, `the file installs ${aptCompilers.join(', ')} with apt, probably for native modules, which the runtime's \`npm ci --omit=dev\` would have to build again without them`);
  }

  const artifacts: Artifact[] = [{ path: path.posix.join(appDir, outFolder), dir: true, output: null, note: `the build output ${outFolder}/ that \`${argv.join(' ')}\` runs${via}` }];
  const assets = ['public', 'views', 'templates', 'static', 'locales'].filter((d) => d !== outFolder && context.isSentDirectory(inContext(d)));
  for (const asset of assets) artifacts.push({ path: path.posix.join(appDir, asset), dir: true, output: null, note: `${asset}/, a folder servers commonly read at run time` });
  const reads = installPlan.reads.filter((r) => !r.includes('/'));
  const configured = optionImage(scan, 'nodeBase');
  let image: RuntimeImage;
  let why: string;
  if (configured) {
    image = configured;
    why = `${image.ref} (from the nodeBase option)`;
  } else {
    const slim = slimRuntimeRef(scan, 'node');
    image = languageSlimImage(slim, 'node');
    why = `${slim}, the same Node on a slim Debian`;
  }
  const flags = install.kind.kind === 'node-install' && install.kind.ignoreScripts ? ' --ignore-scripts' : '';
  const runtimeSteps = [
    `COPY --from=${scan.buildName} ${reads.map((r) => path.posix.join(appDir, r)).join(' ')} ${appDir.replace(/\/?$/, '/')}`,
    `RUN npm ci --omit=dev${flags}`,
  ];
  return {
    artifacts,
    runtime: { image, why },
    runtimeSteps,
    notes: [`production dependencies are installed again with \`npm ci --omit=dev\`${flags} from ${reads.join(', ')}`],
  };
}

/** Non-dev packages of a v2/v3 lockfile that run an install script. */
function nativeInstallScripts(lockText: string): string[] {
  try {
    const lock = JSON.parse(lockText) as { packages?: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    return Object.entries(lock.packages ?? {})
      .filter(([name, info]) => name !== '' && info.hasInstallScript && !info.dev)
      .map(([name]) => name.replace(/^.*node_modules\//, ''));
  } catch {
    return [];
  }
}

/** The slim variant of the build image (`node:20` → `node:20-slim`), the image itself when it already is one. */
function slimRuntimeRef(scan: Scan, family: 'node' | 'python'): string {
  const raw = parseImageRef(scan.baseText.replace(/\$\{?(\w+)\}?/g, 'VAR$1VAR'));
  const tag = scan.base.tag;
  if (tag && /(^|-)(slim|alpine)/.test(tag)) return scan.baseText;
  if (scan.base.digest) return skip(scan.from, `${scan.baseText} is pinned by digest; the digest of its slim variant cannot be known offline (set the ${family}Base option)`);
  const entry = findFamily(scan.base);
  const slim = entry?.family.slimTag(tag);
  if (!slim || 'none' in slim) return skip(scan.from, `dockeropt has no slim variant of ${scan.baseText} in its table${slim && 'none' in slim ? ` (${slim.none})` : ''}; set the ${family}Base option`);
  if (raw && raw.tag !== tag) {
    // A tag from a variable (`node:${NODE_VERSION}`): follow it only when it is the whole tag.
    if (!/^VAR\w+VAR$/.test(raw.tag ?? '') || !/^[\d.]+$/.test(tag ?? '')) return skip(scan.from, `the tag of ${scan.baseText} comes from a variable in a form dockeropt cannot follow; set the ${family}Base option`);
    const rawSlim = entry!.family.slimTag(raw.tag)!;
    const rawTag = 'tag' in rawSlim ? rawSlim.tag : raw.tag!;
    return formatImageRef({ ...raw, tag: rawTag.replace(/VAR(\w+)VAR/g, '${$1}') }).replace(/VAR(\w+)VAR/g, '${$1}');
  }
  return formatImageRef({ ...scan.base, tag: slim.tag });
}

// ---------------------------------------------------------------------------------------------
// The build context

/** The working folder a RUN's build command ran in. */
function cwdOf(scan: Scan, run: InstructionView): string {
  const item = scan.items.find((i) => i.run === run && (i.kind.kind === 'build' || i.kind.kind === 'copy'));
  return item?.cwd ?? scan.states.get(run)?.workdir ?? '/';
}

/**
 * The folder of the build context that a COPY before `before` placed at `dir` (`COPY . .` with
 * WORKDIR /app puts the context root at /app), or null when no COPY did.
 */
function contextFolderFor(scan: Scan, before: InstructionView, dir: string): string | null {
  let found: string | null = null;
  for (const instruction of scan.instructions) {
    if (instruction === before) break;
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    if (instruction.flags.some((f) => f.name.toLowerCase() === 'from')) continue;
    const args = instruction.node.getArguments().map((a) => a.getValue());
    if (args.length < 2 || args.some((a) => a.includes('$'))) continue;
    const dest = path.posix.resolve(scan.states.get(instruction)!.workdir, args.at(-1)!);
    const sources = args.slice(0, -1);
    if (sources.length === 1 && !/[*?[]/.test(sources[0]!)) {
      const source = path.posix.normalize(sources[0]!).replace(/\/$/, '').replace(/^\.$/, '');
      const isFolder = source === '' || (scan.context?.isSentDirectory(source) ?? false);
      if (isFolder && (dir === dest || dir.startsWith(`${dest}/`))) {
        found = path.posix.join(source, path.posix.relative(dest, dir)).replace(/^\.$/, '');
        continue;
      }
    }
    // Files copied into the folder (`COPY package*.json ./`): their own folder in the context.
    if (dest === dir) {
      const folders = new Set(sources.map((s) => path.posix.dirname(path.posix.normalize(s)).replace(/^\.$/, '')));
      if (folders.size === 1 && found === null) found = [...folders][0]!;
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Writing the stages

function quote(instruction: InstructionView): string {
  const text = `${instruction.keyword} ${instruction.args.replace(/\s+/g, ' ').trim()}`;
  return `\`${text.length > 44 ? `${text.slice(0, 43)}…` : text}\``;
}

function short(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

/** Line range [start, end) of an instruction with the comment lines directly above it. */
function blockOf(doc: DockerfileModel, instruction: InstructionView): { start: number; end: number } {
  const commentLines = new Set(doc.comments.map((c) => c.line));
  let first = instruction.startLine;
  while (first > 0 && commentLines.has(first - 1) && !/^\s*#\s*(syntax|escape|check)\s*=/i.test(lineText(doc, first - 1))) first--;
  const start = doc.lineStarts[first]!;
  const end = doc.lineStarts[instruction.endLine + 1] ?? doc.source.length;
  return { start, end };
}

function lineText(doc: DockerfileModel, line: number): string {
  return doc.source.slice(doc.lineStarts[line]!, doc.lineStarts[line + 1] ?? doc.source.length).replace(/\r?\n$|\r$/, '');
}

function isBlankLine(doc: DockerfileModel, line: number): boolean {
  return line >= 0 && line < doc.lineStarts.length && lineText(doc, line).trim() === '';
}

function text(doc: DockerfileModel, instruction: InstructionView): string {
  return doc.source.slice(instruction.start, instruction.end);
}

/** `$NAME` / `${NAME…}` references in a text. */
function referencedNames(value: string): Set<string> {
  return new Set([...value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
}

/** The part of a USER value that names the user (`app` in `app:app`). */
function userName(user: string): string {
  return user.split(':')[0]!.trim();
}

function checkUser(user: string, image: RuntimeImage, at: InstructionView, created: Set<string>): void {
  const name = userName(user);
  if (/^\d+$/.test(name) || name.includes('$') || image.users.includes(name) || created.has(name)) return;
  skip(at, `the runtime image ${image.ref} has no user ${name}${image.shell ? '' : ', and no shell to create it'}`);
}

/** Packages the runtime stage must install: the recipe's, and the file's own that are not build tools. */
function runtimePackages(scan: Scan, runtime: Runtime, needed: string[]): { packages: string[]; dropped: string[] } {
  const installed = scan.items.flatMap((i) => (i.kind.kind === 'apt' ? i.kind.packages : []));
  const keep = new Set<string>(runtime.packages ?? []);
  const dropped: string[] = [];
  // Download, version-control and archive tools serve the build; procps and imagemagick may well serve the program.
  const fetchTools = new Set(Object.values(FULL_IMAGE_TOOLS).map((t) => t.package).filter((p) => p !== 'procps' && p !== 'imagemagick'));
  for (const pkg of installed) {
    if (BUILD_ONLY_PACKAGES.has(pkg) || fetchTools.has(pkg) || (runtime.noLibraries && pkg.endsWith('-dev'))) {
      dropped.push(pkg);
      continue;
    }
    if (pkg.endsWith('-dev')) {
      const lib = DEV_PACKAGE_RUNTIME[pkg];
      if (lib === undefined) keep.add(pkg);
      else if (lib !== null) keep.add(lib);
      else dropped.push(pkg);
      continue;
    }
    keep.add(pkg);
  }
  for (const pkg of needed) keep.add(pkg);
  for (const pkg of runtime.image.packages) keep.delete(pkg);
  return { packages: [...keep], dropped: [...new Set(dropped)].filter((pkg) => !keep.has(pkg)) };
}

function aptRun(packages: string[]): string {
  return `RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`;
}

/** Tools a HEALTHCHECK or shell-form CMD calls that the runtime image lacks: the apt packages to add. */
function toolsNeeded(scan: Scan, image: RuntimeImage, artifacts: Artifact[], workdir: string, program: Program): string[] {
  const packages: string[] = [];
  const check = (instruction: InstructionView, words: string[][], shell: boolean) => {
    if (shell && !image.shell) skip(instruction, `${instruction.keyword} runs through /bin/sh, which ${image.ref} does not have`);
    for (const command of words) {
      const name = command[0];
      if (!name || SHELL_BUILTINS.has(name) || name.includes('$')) continue;
      if (name.includes('/')) {
        const full = path.posix.resolve(workdir, name);
        if (artifacts.some((a) => a.path === full || full.startsWith(`${a.path}/`))) continue;
      }
      const base = path.posix.basename(name);
      if (image.commands.includes(base)) continue;
      const tool = FULL_IMAGE_TOOLS[base];
      if (tool && image.apt) {
        packages.push(tool.package, ...(tool.tls && !image.packages.includes('ca-certificates') ? ['ca-certificates'] : []));
        continue;
      }
      skip(instruction, `${instruction.keyword} runs \`${base}\`, which ${image.ref} does not have${image.apt ? '' : ' and cannot install (no package manager)'}`);
    }
  };
  for (const instruction of scan.instructions) {
    if (instruction.keyword !== 'HEALTHCHECK') continue;
    const match = /^(?:--\S+\s+)*CMD\s+([\s\S]*)$/i.exec(instruction.args.trim());
    if (!match) continue;
    const body = match[1]!.trim();
    let exec: string[] | null = null;
    if (body.startsWith('[')) {
      try {
        exec = JSON.parse(body) as string[];
      } catch {
        exec = null;
      }
    }
    if (exec) check(instruction, [exec], false);
    else {
      const script = analyzeScript(body);
      check(instruction, script.commandWords, true);
    }
  }
  if (program.shell) check(program.at, [program.argv], true);
  return packages;
}

function buildProposal(scan: Scan, program: Program, artifacts: Artifact[], runtime: Runtime, runtimeSteps: string[], notes: string[]): Proposal {
  const { doc, instructions } = scan;
  const eol = doc.eol;
  const image = runtime.image;
  const workdir = stateAfter(scan).workdir;

  // Which instructions leave the build stage: metadata anywhere, and everything after the last step that writes files.
  const lastFsIndex = instructions.reduce((last, instruction, index) => (FS.has(instruction.keyword) ? index : last), -1);
  const moved = instructions.filter((instruction, index) => index > lastFsIndex || METADATA.has(instruction.keyword));
  const kept = instructions.filter((instruction) => !moved.includes(instruction));
  const keptConfig = kept.filter((instruction) => CONFIG.has(instruction.keyword));
  const lastKept = kept.at(-1);
  const keptState = lastKept ? stateAfterInstruction(scan, lastKept) : { workdir: baseWorkdir(scan.base), user: null, env: new Map() };

  // RUN steps: each must be something the split understands.
  const created = new Set<string>();
  const userRuns: InstructionView[] = [];
  for (const [run, why] of scan.opaqueRuns) skip(run, `${why}, so dockeropt cannot tell whether the runtime needs what it does`);
  const artifactDirs = artifacts.map((a) => (a.dir ? a.path : path.posix.dirname(a.path)));
  for (const item of scan.items) {
    const kind = item.kind;
    const at = item.run;
    switch (kind.kind) {
      case 'unknown':
        skip(at, kind.why ?? `\`${short(item.chain?.text ?? item.words.join(' '))}\` in ${quote(at)} may make files the runtime needs, and dockeropt cannot tell`);
        break;
      case 'users': {
        const others = scan.items.filter((i) => i.run === at && i.kind.kind !== 'users' && i.kind.kind !== 'noop');
        if (others.length > 0) skip(at, `${quote(at)} creates a user and does more, so it cannot be repeated in the runtime stage alone`);
        if (!image.shell) skip(at, `${quote(at)} creates a user, and ${image.ref} has no shell to do the same`);
        const name = item.words.filter((w) => !w.startsWith('-')).at(-1);
        if (name && /^(useradd|adduser)$/.test(path.posix.basename(item.words[0]!))) created.add(name);
        if (!userRuns.includes(at)) userRuns.push(at);
        break;
      }
      case 'mkdir':
        for (const dir of kind.dirs) {
          if (!artifactDirs.some((a) => a === dir || a.startsWith(`${dir}/`)) && !(item.cwd !== '\u0000' && (dir === item.cwd || dir.startsWith(`${item.cwd}/`)))) {
            skip(at, `\`${short(item.words.join(' '))}\` makes ${dir}, which the runtime may need; dockeropt cannot tell`);
          }
        }
        break;
      case 'copy': {
        const insideBuild = item.cwd !== '\u0000' && (kind.dest === item.cwd || kind.dest.startsWith(`${item.cwd}/`));
        if (!insideBuild && !artifacts.some((a) => a.output?.run === at)) skip(at, `\`${short(item.words.join(' '))}\` copies files the runtime may need; dockeropt cannot tell`);
        break;
      }
      case 'tweak':
        for (const file of kind.paths) {
          if (!artifacts.some((a) => a.path === file || file.startsWith(`${a.path}/`))) skip(at, `\`${short(item.words.join(' '))}\` changes ${file}, which the runtime may need`);
        }
        break;
      default:
        break;
    }
  }

  // COPYs that place files outside the folders the build reads are runtime files: repeat them.
  const buildDirs = scan.items.filter((i) => ['build', 'node-build', 'node-install', 'build-only'].includes(i.kind.kind)).map((i) => i.cwd);
  const repeatedCopies: InstructionView[] = [];
  const lastBuildRunIndex = instructions.reduce((last, instruction, index) => (scan.items.some((i) => i.run === instruction && (i.kind.kind === 'build' || i.kind.kind === 'node-build')) ? index : last), -1);
  instructions.forEach((instruction, index) => {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return;
    const args = instruction.node.getArguments().map((a) => a.getValue());
    const destArg = args.at(-1) ?? '';
    if (destArg.includes('$')) skip(instruction, `${quote(instruction)} uses a variable, so dockeropt cannot tell whether the runtime needs what it copies`);
    const dest = path.posix.resolve(scan.states.get(instruction)!.workdir, destArg);
    const intoBuild = buildDirs.some((dir) => dest === dir || dest.startsWith(`${dir}/`) || dir.startsWith(`${dest}/`) || dest === '/');
    if (index > lastBuildRunIndex || !intoBuild) {
      if (instruction.flags.some((f) => f.name.toLowerCase() === 'from' && f.value?.toLowerCase() === scan.buildName.toLowerCase())) return;
      repeatedCopies.push(instruction);
    }
  });

  // Users: the runtime user, and the owner of the build's files when the build ran as someone else.
  const finalUser = stateAfter(scan).user;
  const keptUserInstruction = [...keptConfig].reverse().find((i) => i.keyword === 'USER');
  if (finalUser) checkUser(finalUser, image, lastOf(instructions, 'USER')!, created);
  const needed = toolsNeeded(scan, image, artifacts, workdir, program);
  const { packages, dropped } = runtimePackages(scan, runtime, needed);
  if (packages.length > 0 && !image.apt) {
    skip(scan.items.find((i) => i.kind.kind === 'apt')?.run ?? scan.from, `the runtime would need ${packages.join(', ')}, and ${image.ref} has no package manager to install them`);
  }

  // The runtime stage's text.
  const header: string[] = [`FROM ${image.ref} AS runtime`];
  const runtimeBody: string[] = [];
  const keptArgs = keptConfig.filter((i) => i.keyword === 'ARG');
  const replayed: InstructionView[] = keptConfig.filter((i) => i.keyword === 'ENV' || i.keyword === 'VOLUME' || i.keyword === 'ARG');
  const hasRuns = packages.length > 0 || runtimeSteps.length > 0 || userRuns.length > 0;
  const movedText = moved.map((i) => text(doc, i)).join('\n');
  const laterText = [...replayed.filter((i) => i.keyword !== 'ARG').map((i) => text(doc, i)), ...repeatedCopies.map((i) => text(doc, i)), movedText, finalUser ?? ''].join('\n');
  for (const instruction of replayed) {
    if (instruction.keyword === 'ARG') {
      const name = (instruction.node as Arg).getProperty()?.getName() ?? '';
      if (!hasRuns && !referencedNames(laterText).has(name)) continue;
    }
    runtimeBody.push(text(doc, instruction));
  }
  const stageArgNames = new Set(keptArgs.map((i) => (i.node as Arg).getProperty()?.getName() ?? ''));
  const usedGlobals = [...referencedNames([...runtimeBody, laterText].join('\n'))].filter((n) => scan.globalArgs.has(n) && !stageArgNames.has(n));
  for (const name of usedGlobals) header.push(`ARG ${name}`);
  for (const value of runtime.env ?? []) {
    const name = value.split('=')[0]!;
    if (!instructions.some((i) => i.keyword === 'ENV' && (i.node as Env).getProperties().some((p) => p.getName() === name))) {
      runtimeBody.push(`ENV ${value}`);
    }
  }
  // The folder the runtime stage works in: the build's, unless a moved WORKDIR sets its own anyway.
  const movedSetsWorkdir = moved.some((i) => i.keyword === 'WORKDIR' && i.args.trim().startsWith('/'));
  let runtimeWorkdir = '/';
  if (!movedSetsWorkdir && keptState.workdir !== '/') {
    runtimeWorkdir = keptState.workdir;
    runtimeBody.push(`WORKDIR ${runtimeWorkdir}`);
  }
  if (packages.length > 0) runtimeBody.push(aptRun(packages));
  for (const run of userRuns) runtimeBody.push(text(doc, run));
  if (runtimeSteps.length > 0 && runtimeWorkdir !== workdir) runtimeBody.push(`WORKDIR ${workdir}`);
  runtimeBody.push(...runtimeSteps);
  for (const artifact of artifacts) {
    const owner = artifact.output?.user && !/^(root|0)(:.*)?$/.test(artifact.output.user) ? artifact.output.user : null;
    if (owner) checkUser(owner, image, artifact.output!.run, created);
    runtimeBody.push(`COPY --from=${scan.buildName}${owner ? ` --chown=${owner}` : ''} ${artifact.path} ${artifact.path}`);
  }
  for (const copy of repeatedCopies) if (!moved.includes(copy)) runtimeBody.push(text(doc, copy));
  if (keptUserInstruction) runtimeBody.push(`USER ${keptState.user}`);

  // Edits: name the build stage, take the moved instructions out, append the runtime stage.
  const edits: TextEdit[] = [];
  if (!scan.hasStageName) {
    const fromArgs = scan.from.node.getArguments();
    const imageArg = fromArgs[0]!;
    const range = imageArg.getRange();
    const imageEnd = doc.lineStarts[range.end.line]! + range.end.character;
    edits.push({ start: imageEnd, end: imageEnd, text: ` AS ${scan.buildName}` });
  }
  const tailStart = lastKept ? lastKept.end : scan.from.end;
  const early = moved.filter((i) => i.start < tailStart);
  const earlyTexts: string[] = [];
  for (const instruction of early) {
    const block = blockOf(doc, instruction);
    let end = block.end;
    const firstLine = doc.positionAt(block.start).line;
    if (isBlankLine(doc, firstLine - 1) && isBlankLine(doc, instruction.endLine + 1)) end = doc.lineStarts[instruction.endLine + 2] ?? doc.source.length;
    edits.push({ start: block.start, end, text: '' });
    earlyTexts.push(doc.source.slice(block.start, block.end).replace(/(\r\n|\r|\n)$/, ''));
  }
  const tail = doc.source.slice(tailStart).replace(/^[ \t]*(\r\n|\r|\n)/, '');
  const tailText = tail.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '').replace(/\s+$/, '');
  const sections = [header.join(eol), runtimeBody.join(eol), earlyTexts.join(eol), tailText].filter((s) => s !== '');
  const stageText = sections.join(eol).split(/\r\n|\r|\n/).join(eol);
  edits.push({ start: tailStart, end: doc.source.length, text: `${eol}${eol}${stageText}${eol}` });

  const copied = artifacts.map((a) => `${a.path}${a.dir ? '/' : ''} (${a.note})`).join('; ');
  const reasonParts = [
    `The runtime needs only what ${program.at.keyword} runs: ${copied}.`,
    `Runtime image: ${runtime.why}.`,
    ...notes.map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`),
    packages.length > 0 ? `Installed in the runtime: ${packages.join(', ')}.` : '',
    dropped.length > 0 ? `Left in the build stage: ${dropped.join(', ')}.` : '',
    `Kept: ENV, WORKDIR, USER, EXPOSE, LABEL, VOLUME, HEALTHCHECK, CMD and ENTRYPOINT as written; not kept: the ${RECIPE_NAMES[scan.recipe]} toolchain, sources and caches, the build image's own ENV, and files the program opens that the Dockerfile does not name (add them with the keep option).`,
  ].filter(Boolean);
  return {
    message: `Split into a \`${scan.buildName}\` stage on ${scan.baseText} and a runtime stage on ${image.ref}`,
    reason: reasonParts.join(' '),
    start: scan.from.start,
    end: instructions.at(-1)?.end ?? scan.from.end,
    edits,
  };
}

function stateAfterInstruction(scan: Scan, instruction: InstructionView): State {
  const index = scan.instructions.indexOf(instruction);
  const next = scan.instructions[index + 1];
  if (next) return scan.states.get(next)!;
  return stateAfter(scan);
}

// ---------------------------------------------------------------------------------------------
// Python: build wheels with the compilers, install them in the slim image

function planPython(scan: Scan): Proposal {
  const { doc, instructions } = scan;
  const aptItems = scan.items.filter((i) => i.kind.kind === 'apt');
  const installed = aptItems.flatMap((i) => (i.kind.kind === 'apt' ? i.kind.packages : []));
  const compilers = installed.filter((p) => BUILD_ONLY_PACKAGES.has(p));
  for (const item of scan.items) if (item.kind.kind === 'unknown' && item.kind.why) skip(item.run, item.kind.why);
  const pipItems = scan.items.filter((i) => i.kind.kind === 'pip');
  if (compilers.length === 0 || pipItems.length === 0) return skip(scan.from, 'no build tools installed for pip');
  if (/alpine/.test(scan.base.tag ?? '')) return skip(scan.from, 'alpine images install packages with apk, which this split does not handle');
  for (const [run, why] of scan.opaqueRuns) skip(run, `${why}, so dockeropt cannot tell whether it needs the build tools`);
  // Without a CMD the base image's (python3) runs, which the slim image has too.
  const program = instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') ? programOf(scan) : null;
  const toolchain = program && toolchainUse(program.argv);
  if (toolchain) skip(program!.at, toolchain);

  // Every RUN is repeated in the runtime stage, so none but the apt and pip steps may need the compilers.
  for (const item of scan.items) {
    const name = path.posix.basename(item.words[0] ?? '');
    const tool = FULL_IMAGE_TOOLS[name];
    if (tool?.group === 'compiler' || (/^python3?(\.\d+)?$/.test(name) && /setup\.py/.test(item.words[1] ?? '') && /build|install|develop/.test(item.words.join(' ')))) {
      skip(item.run, `\`${short(item.words.join(' '))}\` compiles, and it would run again in the runtime stage without the compilers`);
    }
    if (item.kind.kind === 'unknown' && item.kind.why) skip(item.run, item.kind.why);
  }
  const lastPipRun = pipItems.at(-1)!.run;
  for (const item of pipItems) {
    if (item.user && !/^(root|0)(:.*)?$/.test(item.user)) skip(item.run, `\`${short(item.words.join(' '))}\` runs as ${item.user}; dockeropt only rewrites installs that run as root`);
  }
  for (const item of aptItems) {
    const others = scan.items.filter((i) => i.run === item.run && i.kind.kind !== 'apt' && i.kind.kind !== 'noop');
    if (others.length > 0) skip(item.run, `${quote(item.run)} installs the build tools together with other steps, so it cannot be replaced in the runtime stage`);
  }

  const configured = optionImage(scan, 'pythonBase');
  const runtimeRef = configured?.ref ?? slimRuntimeRef(scan, 'python');
  const image = configured ?? languageSlimImage(runtimeRef, 'python');
  const runtime: Runtime = { image, why: configured ? `${image.ref} (from the pythonBase option)` : `${image.ref}, the same Python without compilers and headers` };
  // The runtime stage repeats every other step: the download and version-control tools they call come along.
  const needed: string[] = [];
  for (const item of scan.items) {
    const tool = FULL_IMAGE_TOOLS[path.posix.basename(item.words[0] ?? '')];
    if (tool && tool.group !== 'compiler' && item.kind.kind !== 'apt') needed.push(tool.package, ...(tool.tls && !image.packages.includes('ca-certificates') ? ['ca-certificates'] : []));
  }
  if (program) needed.push(...toolsNeeded(scan, image, [], stateAfter(scan).workdir, program));
  const { packages, dropped } = runtimePackages(scan, runtime, needed);
  if (packages.length > 0 && !image.apt) skip(aptItems[0]!.run, `the runtime would need ${packages.join(', ')}, and ${image.ref} has no package manager`);

  // The build stage: everything up to the last pip install (pip install → pip wheel); the rest moves.
  const lastPipIndex = instructions.indexOf(lastPipRun);
  const edits: TextEdit[] = [];
  const eol = doc.eol;
  if (!scan.hasStageName) {
    const range = scan.from.node.getArguments()[0]!.getRange();
    const imageEnd = doc.lineStarts[range.end.line]! + range.end.character;
    edits.push({ start: imageEnd, end: imageEnd, text: ` AS ${scan.buildName}` });
  }
  const runtimeLines: string[] = [`FROM ${image.ref} AS runtime`];
  const usedGlobals = [...referencedNames(instructions.map((i) => text(doc, i)).join('\n'))].filter((n) => scan.globalArgs.has(n));
  for (const name of usedGlobals) runtimeLines.push(`ARG ${name}`);
  let aptWritten = false;
  instructions.forEach((instruction, index) => {
    if (index > lastPipIndex) return;
    const items = scan.items.filter((i) => i.run === instruction);
    const isApt = items.length > 0 && items.every((i) => i.kind.kind === 'apt' || i.kind.kind === 'noop') && items.some((i) => i.kind.kind === 'apt');
    if (isApt) {
      if (!aptWritten && packages.length > 0) runtimeLines.push(aptRun(packages));
      aptWritten = true;
      return;
    }
    if (items.some((i) => i.kind.kind === 'pip')) {
      const { build, runtime: runtimeText } = rewritePipRun(doc, scan.buildName, instruction, items, instruction === lastPipRun);
      edits.push({ start: instruction.start, end: instruction.end, text: build });
      runtimeLines.push(runtimeText);
      return;
    }
    runtimeLines.push(text(doc, instruction));
    if (METADATA.has(instruction.keyword)) {
      const block = blockOf(doc, instruction);
      edits.push({ start: block.start, end: block.end, text: '' });
    }
  });
  const tailStart = lastPipRun.end;
  const tailText = doc.source.slice(tailStart).replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '').replace(/\s+$/, '');
  if (tailText) runtimeLines.push(tailText);
  edits.push({ start: tailStart, end: doc.source.length, text: `${eol}${eol}${runtimeLines.join(eol).split(/\r\n|\r|\n/).join(eol)}${eol}` });

  const reason = [
    `${compilers.join(', ')} ${compilers.length === 1 ? 'is' : 'are'} only needed to build wheels: the build stage runs \`pip wheel\` into /wheels, and the runtime stage installs those wheels without an index, so it needs no compilers.`,
    `Runtime image: ${runtime.why}.`,
    packages.length > 0 ? `Installed in the runtime: ${packages.join(', ')} (runtime libraries for the headers the build used, and the file's other packages).` : '',
    dropped.length > 0 ? `Left in the build stage: ${dropped.join(', ')}.` : '',
    'Every other instruction is kept as written, in the runtime stage; not kept: the compilers and headers, and the base image\'s own ENV where the slim image differs.',
  ].filter(Boolean);
  return {
    message: `Build the wheels in a \`${scan.buildName}\` stage and install them on ${image.ref}`,
    reason: reason.join(' '),
    start: scan.from.start,
    end: instructions.at(-1)?.end ?? scan.from.end,
    edits,
  };
}

/** The pip RUN for each stage: pip install → pip wheel (build) and → pip install from /wheels (runtime). */
function rewritePipRun(doc: DockerfileModel, buildName: string, run: InstructionView, items: Item[], last: boolean): { build: string; runtime: string } {
  const prefix = doc.source.slice(run.start, run.argsStart);
  if (!items.every((i) => i.chain)) {
    const pip = items.find((i) => i.kind.kind === 'pip')!;
    const rewrite = (pip.kind as { rewrite: PipRewrite }).rewrite;
    // Exec form: one command.
    return { build: `${prefix}${rewrite.build}`, runtime: mountPrefix(prefix, buildName) + rewrite.runtime };
  }
  // Replace each pip command where it is written, keeping the RUN's own layout.
  const { offsets } = joinContinuationsWithOffsets(run.argsText, doc.escapeChar);
  const rawRange = (item: Item) => ({ start: offsets[item.chain!.start]!, end: offsets[item.chain!.end - 1]! + 1 });
  const pips = items.filter((item) => item.kind.kind === 'pip');
  const rebuild = (which: 'build' | 'runtime') => {
    // In the build stage nothing after the last pip install runs: it needs the installed packages.
    const cut = which === 'build' && last ? rawRange(pips.at(-1)!).end : run.argsText.length;
    let out = run.argsText.slice(0, cut);
    for (const item of [...pips].reverse()) {
      const range = rawRange(item);
      out = out.slice(0, range.start) + (item.kind as { rewrite: PipRewrite }).rewrite[which] + out.slice(range.end);
    }
    return out;
  };
  return { build: `${prefix}${rebuild('build')}`, runtime: `${mountPrefix(prefix, buildName)}${rebuild('runtime')}` };
}

/** `RUN ` with a bind mount of the build stage's wheels added to the flags. */
function mountPrefix(prefix: string, buildName: string): string {
  return prefix.replace(/^(\s*RUN)(\s+)/i, `$1 --mount=type=bind,from=${buildName},source=/wheels,target=/wheels$2`);
}
