/**
 * slim-base: suggests the slim variant of an official base image for the final stage
 * (`python:3.11` → `python:3.11-slim`, `node:20` → `node:20-slim`, `openjdk:17` →
 * `eclipse-temurin:17-jre`), from the offline table in src/model/base-images.ts.
 *
 * Why: the full images are built on buildpack-deps and carry compilers, headers, git, curl,
 * ImageMagick and more, hundreds of megabytes that a program rarely uses at run time.
 *
 * Contract `runtime-equivalent`: the image changes by design (the tools the slim variant lacks
 * are gone), so the fix is applied only with consent and otherwise shown as a suggestion. The
 * language runtime, its paths and its ENV are the same in both variants (openjdk → Temurin is the
 * exception, and the finding says so). The transform checks the stage's own commands (RUN,
 * HEALTHCHECK, CMD, ENTRYPOINT) against what the slim variant lacks: a tool such as curl or git
 * gets the minimal `apt-get install` for it, inserted after FROM; a step that compiles (gcc,
 * make, a dependency that builds native code: psycopg2, pg, node-gyp modules, NIFs, -sys crates)
 * gets no fix but the advice to split the build into its own stage (multi-stage) instead.
 *
 * Kept: the registry and repository path as written (`docker.io/library/…`, a mirror), and the
 * Debian release a tag names. Never suggested: `-alpine` (musl libc breaks software built for
 * glibc; the finding says so). What it skips, with a reason: a digest pin (the slim variant's
 * digest cannot be known offline: suggested without a fix), a tag the table does not know, a base
 * named through a variable it cannot follow, heredoc RUNs, and dependency installs whose native
 * builds it cannot check (no build context, no lockfile). Only the final stage is looked at:
 * earlier stages are build stages, where the tools belong.
 */
import path from 'node:path';
import type { Arg } from 'dockerfile-ast';
import type { Proposal, TextEdit, Transform } from '../engine/types.js';
import type { BuildContext } from '../model/context.js';
import {
  FULL_IMAGE_TOOLS, JDK_ONLY_TOOLS, findFamily, formatImageRef, parseImageRef, withNameAndTag, type Family, type ImageRef,
} from '../model/base-images.js';
import type { InstructionView } from '../model/dockerfile.js';
import { analyzeScript } from '../model/shell.js';

/** PyPI projects with no manylinux wheels: pip builds them from source with gcc and headers. */
const PYPI_NEEDS_COMPILER = new Set([
  'psycopg2', 'mysqlclient', 'uwsgi', 'python-ldap', 'pycairo', 'pygobject', 'dbus-python', 'pygraphviz', 'pyaudio',
  'netifaces', 'mod-wsgi', 'pylibmc', 'xmlsec', 'psycopg-c', 'pycurl', 'python-pam', 'cx-oracle',
]);

/** Gems whose `ruby` platform build compiles a C extension (precompiled `-x86_64-linux` variants do not). */
const NATIVE_GEMS = new Set([
  'pg', 'mysql2', 'puma', 'nio4r', 'bcrypt', 'ffi', 'msgpack', 'bootsnap', 'websocket-driver', 'racc', 'oj', 'hiredis',
  'unf_ext', 'eventmachine', 'thin', 'byebug', 'sassc', 'redcarpet', 'nokogiri', 'sqlite3', 'json', 'bigdecimal',
  'date', 'io-console', 'strscan', 'psych', 'stringio', 'digest-crc', 'charlock_holmes', 'rugged', 'grpc',
]);

/** Mix dependencies that compile native code (NIFs) when fetched. */
const NIF_PACKAGES = new Set(['elixir_make', 'rustler', 'bcrypt_elixir', 'argon2_elixir', 'vix', 'evision', 'exla', 'explorer']);

/** npm packages whose install script downloads a prebuilt binary or prints a message: no compiler needed. */
const PREBUILT_INSTALL_SCRIPTS = /^(@esbuild\/.*|esbuild|sharp|@img\/.*|@swc\/.*|core-js|core-js-pure|es5-ext|nodemon|husky|protobufjs|@prisma\/.*|prisma|@sentry\/cli|puppeteer|cypress|electron|@parcel\/watcher|fsevents|lmdb|msgpackr-extract|bufferutil|utf-8-validate|@biomejs\/.*|turbo|nx|@nestjs\/.*|@nx\/.*|@rollup\/.*|unrs-resolver|@unrs\/.*)$/;

/** Crates whose build needs C headers the slim image lacks. */
const SYS_CRATE_HEADERS: Record<string, string> = {
  'openssl-sys': 'pkg-config and libssl-dev', 'pq-sys': 'libpq-dev', 'mysqlclient-sys': 'libmariadb-dev', 'curl-sys': 'libcurl4-openssl-dev',
};

export const slimBase: Transform = {
  id: 'slim-base',
  title: 'Use the slim variant of the base image',
  contract: 'runtime-equivalent',
  priority: 2,
  run(doc, ctx) {
    const stage = doc.stages.at(-1);
    const from = stage?.instructions[0];
    if (!stage || !from || from.keyword !== 'FROM') return [];
    if (doc.stages.slice(0, -1).some((s) => s.name && s.name.toLowerCase() === stage.base.toLowerCase())) return [];
    const imageArg = from.node.getArguments()[0];
    if (!imageArg) return [];
    const written = imageArg.getValue();
    const range = imageArg.getRange();
    const imageStart = doc.lineStarts[range.start.line]! + range.start.character;
    const imageEnd = doc.lineStarts[range.end.line]! + range.end.character;

    const globalArgs = new Map<string, string | null>();
    for (const instruction of doc.instructions) {
      if (instruction.keyword === 'FROM') break;
      const property = instruction.keyword === 'ARG' ? (instruction.node as Arg).getProperty() : null;
      if (property) globalArgs.set(property.getName(), property.getValue());
    }
    const resolved = written.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a: string | undefined, b: string | undefined) => globalArgs.get(a ?? b ?? '') ?? m);
    const ref = parseImageRef(resolved);
    if (!ref) return [];
    const found = findFamily(ref);
    if (!found) return [];
    const { family, mirror } = found;
    const slim = family.slimTag(ref.tag);
    if ('none' in slim) {
      // Already a reduced variant: nothing to say. Otherwise say why there is no suggestion.
      return /already/.test(slim.none) ? [] : [{ message: `No slim variant of ${written} in dockeropt's table`, reason: slim.none, start: from.start, end: from.end }];
    }
    const target = slim.repository ? withNameAndTag(ref, slim.repository, slim.tag) : { ...ref, tag: slim.tag, digest: null };
    // With a variable tag (`node:${NODE_VERSION}`) the suggestion keeps the variable.
    const targetText = resolved !== written && /:\$\{?\w+\}?$/.test(written) ? written.replace(/(\$\{?\w+\}?)$/, '$1-slim') : formatImageRef(target);

    const finding = (reason: string, edits?: TextEdit[]): Proposal => ({
      message: `Use ${targetText} instead of ${written}`,
      reason: reason.trim(),
      start: from.start,
      end: from.end,
      ...(edits ? { edits } : {}),
    });
    const notes = notesFor(family, mirror, targetText);

    if (resolved !== written) {
      const variableTag = /:\$\{?(\w+)\}?$/.exec(written);
      if (!variableTag || !/^[\d.]+$/.test(ref.tag ?? '') || written.replace(/:\$\{?\w+\}?$/, '') !== resolved.replace(/:[^:/]+$/, '')) {
        return [finding(`the base image is named through a variable in a form dockeropt cannot rewrite (${written}); ${targetText} is the slim variant of its default. ${notes}`)];
      }
    }
    if (ref.digest) {
      return [finding(`${written} is pinned by digest, and the digest of ${targetText} cannot be known offline: change the tag and pin the new digest yourself. ${notes}`)];
    }

    const check = checkStage(stage.instructions, family, ref, targetText, ctx.buildContext);
    if (check.blocker) {
      return [finding(`${check.blocker}. ${notes}`)];
    }
    if (resolved !== written && slim.tag !== `${ref.tag}-slim`) {
      return [finding(`the tag comes from a variable and the slim tag is not \`<tag>-slim\`. ${notes}`)];
    }
    const edits: TextEdit[] = [{ start: imageStart, end: imageEnd, text: targetText }];
    let added = '';
    if (check.packages.length > 0) {
      edits.push({ start: from.end, end: from.end, text: `${doc.eol}RUN apt-get update && apt-get install -y --no-install-recommends ${check.packages.join(' ')} && rm -rf /var/lib/apt/lists/*` });
      added = ` It lacks ${check.uses.join(', ')}, which this stage uses, so the minimal \`apt-get install\` of ${check.packages.join(', ')} is added after FROM.`;
    }
    return [finding(`${targetText} is ${written} without ${lacks(family)}.${added} ${notes}`.trim(), edits)];
  },
};

function lacks(family: Family): string {
  if (family.slimDrops) return family.slimDrops;
  if (family.jdk) return 'the JDK tools (javac, jar, jshell, …)';
  const keeps = family.slimKeeps.length > 0 ? ` (it keeps ${family.slimKeeps.join(', ')})` : '';
  return `the build tools of the full image: compilers and headers, git, curl and wget, and other utilities${keeps}`;
}

function notesFor(family: Family, mirror: string | null, targetText: string): string {
  const notes: string[] = [];
  if (family.note) notes.push(`Note: ${family.note}.`);
  if (mirror) notes.push(`The image comes through ${mirror}, which must also carry ${targetText}.`);
  if (family.alpine) notes.push('(-alpine is not suggested: its musl libc can break binaries built for glibc, prebuilt native modules and manylinux wheels.)');
  return notes.join(' ');
}

interface StageCheck {
  /** Why no fix is offered (a compile step, an install that cannot be checked). */
  blocker: string | null;
  /** apt packages to add. */
  packages: string[];
  /** The tools that need them, for the message. */
  uses: string[];
}

const BUILD_ESSENTIAL = ['gcc', 'g++', 'make', 'cpp', 'dpkg-dev', 'libc6-dev'];

function checkStage(instructions: InstructionView[], family: Family, ref: ImageRef, targetText: string, context: BuildContext | null): StageCheck {
  const installed = new Set<string>();
  const packages: string[] = [];
  const uses: string[] = [];
  let workdir = '/';
  const fail = (reason: string): StageCheck => ({ blocker: reason, packages: [], uses: [] });
  const multiStage = `split the build into its own stage on ${formatImageRef(ref)} and use ${targetText} for the runtime stage (multi-stage)`;

  const need = (command: string, at: InstructionView): string | null => {
    const base = path.posix.basename(command);
    if (family.jdk && (JDK_ONLY_TOOLS.includes(base) || /^(mvn|mvnw|gradle|gradlew)$/.test(base))) {
      return `${quote(at)} runs ${base}, which needs the JDK that ${targetText} lacks: ${multiStage}`;
    }
    const tool = FULL_IMAGE_TOOLS[base];
    if (!tool || family.jdk || family.slimDrops || family.slimKeeps.includes(base) || installed.has(tool.package)) return null;
    if (tool.group === 'compiler') return `${quote(at)} runs ${base}, and ${targetText} has no compilers: ${multiStage}`;
    if (!packages.includes(tool.package)) packages.push(tool.package);
    if (!uses.includes(base)) uses.push(base);
    if (tool.tls && !family.slimHasCaCertificates && !installed.has('ca-certificates') && !packages.includes('ca-certificates')) packages.push('ca-certificates');
    return null;
  };

  for (const instruction of instructions.slice(1)) {
    if (instruction.keyword === 'WORKDIR' && !instruction.args.includes('$')) workdir = path.posix.resolve(workdir, instruction.args.trim());
    let commands: string[][] = [];
    if (instruction.keyword === 'RUN') {
      if (instruction.hasHeredoc) return fail(`${quote(instruction)} uses a heredoc, whose commands dockeropt cannot check against what ${targetText} lacks`);
      if (instruction.execForm) commands = [instruction.execForm];
      else {
        const script = analyzeScript(instruction.args);
        if (script.parseError) return fail(`the shell cannot parse ${quote(instruction)}, so dockeropt cannot check it against what ${targetText} lacks`);
        commands = script.commandWords;
      }
    } else if (instruction.keyword === 'HEALTHCHECK') {
      const body = /^(?:--\S+\s+)*CMD\s+([\s\S]*)$/i.exec(instruction.args.trim())?.[1]?.trim();
      if (body) commands = body.startsWith('[') ? [safeJson(body) ?? []] : analyzeScript(body).commandWords;
    } else if (instruction.keyword === 'CMD' || instruction.keyword === 'ENTRYPOINT') {
      commands = instruction.execForm ? [instruction.execForm] : analyzeScript(instruction.args).commandWords;
    } else {
      continue;
    }
    for (const words of commands) {
      const name = path.posix.basename(words[0] ?? '');
      if (!name || name.includes('$')) continue;
      if (name === 'apt-get' || name === 'apt') {
        const at = words.indexOf('install');
        if (at > 0) {
          for (const word of words.slice(at + 1)) {
            if (word.startsWith('-')) continue;
            const pkg = word.replace(/[=/].*$/, '');
            installed.add(pkg);
            if (pkg === 'build-essential') for (const p of BUILD_ESSENTIAL) installed.add(p);
          }
        }
        continue;
      }
      const toolReason = need(words[0]!, instruction);
      if (toolReason) return fail(toolReason);
      const nativeReason = instruction.keyword === 'RUN' ? nativeBuild(words, instruction, family, targetText, context, installed, workdir, multiStage, need) : null;
      if (nativeReason) return fail(nativeReason);
    }
  }
  return { blocker: null, packages, uses };
}

function safeJson(text: string): string[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

function quote(instruction: InstructionView): string {
  const text = `${instruction.keyword} ${instruction.args.replace(/\s+/g, ' ').trim()}`;
  return `\`${text.length > 44 ? `${text.slice(0, 43)}…` : text}\``;
}

/**
 * Why a dependency install in this RUN may compile native code the slim image cannot build, or
 * why dockeropt cannot tell; null when it can tell it does not. Tools it needs (git for git
 * dependencies) are added through `need`.
 */
function nativeBuild(
  words: string[],
  at: InstructionView,
  family: Family,
  targetText: string,
  context: BuildContext | null,
  installed: Set<string>,
  workdir: string,
  multiStage: string,
  need: (command: string, at: InstructionView) => string | null,
): string | null {
  // The full debian and JDK images have no compilers either: the slim variant changes nothing for native builds.
  if ((installed.has('gcc') && installed.has('make')) || family.slimDrops || family.jdk) return null;
  const program = path.posix.basename(words[0] ?? '');
  const noContext = () => `the build context is not available, so dockeropt cannot check what ${quote(at)} installs for native code to compile, which ${targetText} cannot (it has no compilers)`;
  const read = (file: string) => context?.readText(file) ?? null;

  // Python: pip, poetry, pipenv, uv.
  const pip = /^pip3?(\.\d+)?$/.test(program) ? words.slice(1) : /^python3?(\.\d+)?$/.test(program) && words[1] === '-m' && words[2] === 'pip' ? words.slice(3) : null;
  if (pip && pip[0] === 'install' && family.name === 'python') {
    if (pip.some((w) => w === '--no-binary' || w.startsWith('--no-binary='))) return `${quote(at)} builds from source (--no-binary), and ${targetText} has no compilers: ${multiStage}`;
    const names: string[] = [];
    const args = pip.slice(1);
    for (let i = 0; i < args.length; i++) {
      const word = args[i]!;
      if (word === '-r' || word === '--requirement' || word === '-c' || word === '--constraint') {
        if (!context) return noContext();
        const text = read(path.posix.join(workdir.replace(/^\//, ''), args[i + 1] ?? '')) ?? read(args[i + 1] ?? '');
        if (text === null) return `${args[i + 1]} cannot be read from the build context, so dockeropt cannot check whether its packages build native code, which ${targetText} cannot`;
        names.push(...requirementNames(text));
        i++;
      } else if (word === '.' || word.startsWith('./') || word === '-e') {
        return `${quote(at)} installs a local project, which may have C extensions that ${targetText} cannot build; dockeropt cannot tell`;
      } else if (!word.startsWith('-')) {
        names.push(word);
      }
    }
    for (const spec of names) {
      if (/^git\+/.test(spec)) {
        const reason = need('git', at);
        if (reason) return reason;
        continue;
      }
      const name = spec.toLowerCase().replace(/[_.]/g, '-').replace(/[\s[<>=!~;@].*$/, '');
      if (PYPI_NEEDS_COMPILER.has(name)) return `${name} has no prebuilt wheel, so \`pip install\` compiles it with gcc and headers that ${targetText} lacks: ${multiStage}`;
    }
    return null;
  }
  if ((program === 'poetry' || program === 'pipenv' || program === 'uv') && family.name === 'python' && /^(install|sync)$/.test(words[1] ?? '') || (program === 'uv' && words[1] === 'pip')) {
    const lockName = { poetry: 'poetry.lock', pipenv: 'Pipfile.lock', uv: 'uv.lock' }[program as 'poetry' | 'pipenv' | 'uv'];
    if (!context) return noContext();
    const lock = read(path.posix.join(workdir.replace(/^\//, ''), lockName)) ?? read(lockName);
    if (lock === null) return `${lockName} is not in the build context, so dockeropt cannot check whether ${program} builds native code, which ${targetText} cannot`;
    const hit = [...PYPI_NEEDS_COMPILER].find((name) => new RegExp(`(name = |")${name.replace(/-/g, '[-_]')}"`, 'i').test(lock));
    return hit ? `${hit} has no prebuilt wheel, so ${program} compiles it with gcc and headers that ${targetText} lacks: ${multiStage}` : null;
  }

  // Node: npm, yarn, pnpm.
  if ((program === 'npm' && /^(ci|install|i|clean-install)$/.test(words[1] ?? '')) || ((program === 'yarn' || program === 'pnpm') && /^(install|i)?$/.test(words[1] ?? ''))) {
    if (words.includes('--ignore-scripts')) return null;
    if (!context) return noContext();
    const lockName = program === 'npm' ? 'package-lock.json' : program === 'yarn' ? 'yarn.lock' : 'pnpm-lock.yaml';
    const lock = read(path.posix.join(workdir.replace(/^\//, ''), lockName)) ?? read(lockName);
    if (lock === null) return `${lockName} is not in the build context, so dockeropt cannot check for dependencies that build native code with node-gyp (python3, make, g++), which ${targetText} lacks`;
    if (program === 'yarn') return `yarn.lock does not record which packages run install scripts, so dockeropt cannot check for node-gyp builds (python3, make, g++), which ${targetText} lacks`;
    const scripted = program === 'npm' ? npmInstallScripts(lock) : [...lock.matchAll(/^\s{2}\/?(@?[^@\s(]+)@[^:]*:\n(?:\s{4}.*\n)*?\s{4}requiresBuild: true/gm)].map((m) => m[1]!);
    const native = scripted.filter((name) => !PREBUILT_INSTALL_SCRIPTS.test(name));
    if (native.length > 0) return `${native.slice(0, 3).join(', ')} run${native.length === 1 ? 's' : ''} an install script (often node-gyp, which needs python3, make and g++ that ${targetText} lacks): ${multiStage}`;
    if (program === 'npm' && /"resolved":\s*"git\+/.test(lock)) return need('git', at);
    return null;
  }

  // Ruby: bundler and gem.
  if ((program === 'bundle' && (words[1] === undefined || words[1] === 'install')) || (program === 'gem' && words[1] === 'install')) {
    if (program === 'gem') {
      const native = words.slice(2).filter((w) => !w.startsWith('-')).find((g) => NATIVE_GEMS.has(g));
      return native ? `the gem ${native} compiles a C extension, and ${targetText} has no compilers: ${multiStage}` : null;
    }
    if (!context) return noContext();
    const lock = read(path.posix.join(workdir.replace(/^\//, ''), 'Gemfile.lock')) ?? read('Gemfile.lock');
    if (lock === null) return `Gemfile.lock is not in the build context, so dockeropt cannot check for gems with C extensions, which ${targetText} cannot build`;
    const native = [...lock.matchAll(/^ {4}([\w-]+) \(([^)]+)\)$/gm)].filter(([, name, version]) => NATIVE_GEMS.has(name!) && !/-(x86_64|aarch64|arm64)-linux/.test(version!)).map((m) => m[1]!);
    if (native.length > 0) return `${[...new Set(native)].slice(0, 3).join(', ')} compile${native.length === 1 ? 's' : ''} a C extension during \`bundle install\`, and ${targetText} has no compilers: ${multiStage}`;
    if (/^GIT$/m.test(lock)) return need('git', at);
    return null;
  }
  if (program === 'cpanm' || program === 'cpan') return `${program} may build XS modules with a C compiler, which ${targetText} lacks; dockeropt cannot tell: ${multiStage}`;

  // Elixir: Mix dependencies with NIFs.
  if (program === 'mix' && /^(deps\.get|deps\.compile|compile|release)$/.test(words[1] ?? '')) {
    if (!context) return noContext();
    const lock = read(path.posix.join(workdir.replace(/^\//, ''), 'mix.lock')) ?? read('mix.lock');
    if (lock === null) return `mix.lock is not in the build context, so dockeropt cannot check for dependencies with NIFs, which ${targetText} cannot build`;
    const nif = [...NIF_PACKAGES].find((name) => new RegExp(`"${name}":`).test(lock));
    if (nif) return `${nif} builds native code (a NIF) with gcc and make, which ${targetText} lacks: ${multiStage}`;
    if (/:git,/.test(lock)) return need('git', at);
    return null;
  }

  // Rust: -sys crates need headers.
  if (program === 'cargo' && /^(build|install|b|test|run)$/.test(words[1] ?? '')) {
    if (!context) return noContext();
    const lock = read(path.posix.join(workdir.replace(/^\//, ''), 'Cargo.lock')) ?? read('Cargo.lock');
    if (lock === null) return `Cargo.lock is not in the build context, so dockeropt cannot check for -sys crates that need C headers ${targetText} lacks`;
    const crate = Object.keys(SYS_CRATE_HEADERS).find((name) => lock.includes(`name = "${name}"`));
    if (crate) return `${crate} needs ${SYS_CRATE_HEADERS[crate]}, which ${targetText} lacks: ${multiStage}`;
    return null;
  }
  return null;
}

function requirementNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('-'));
}

function npmInstallScripts(lockText: string): string[] {
  try {
    const lock = JSON.parse(lockText) as { packages?: Record<string, { hasInstallScript?: boolean }> };
    return Object.entries(lock.packages ?? {})
      .filter(([name, info]) => name !== '' && info.hasInstallScript)
      .map(([name]) => name.replace(/^.*node_modules\//, ''));
  } catch {
    return [];
  }
}

