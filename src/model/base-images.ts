/**
 * An offline table of official base images, shared by slim-base and multi-stage: how to read an
 * image reference, which family an image belongs to, its slimmer variant, what that variant lacks
 * compared with the full one, and which image a multi-stage split runs a toolchain's output on.
 *
 * Facts as of the images published in 2024–2025 (Debian bookworm/trixie generation), read from
 * the official Dockerfiles:
 * - the full `node`, `python`, `ruby`, `rust`, `elixir`, `erlang`, `perl` and `golang` images are
 *   built on `buildpack-deps` (curl, wget, gnupg, git, mercurial, subversion, openssh-client,
 *   procps, gcc, g++, make, autoconf, automake, libtool, patch, file, unzip, bzip2, xz-utils,
 *   imagemagick and ~30 `-dev` header packages);
 * - their `-slim` variants are `debian:<suite>-slim` plus the language runtime. `python:*-slim`
 *   keeps ca-certificates, netbase and tzdata; `ruby:*-slim` keeps ca-certificates;
 *   `node:*-slim` keeps neither (its installer purges them); `rust:*-slim` keeps gcc, libc6-dev
 *   and ca-certificates (rustc needs a linker);
 * - `-alpine` variants use musl libc: software built for glibc (prebuilt native modules, manylinux
 *   wheels, binaries copied in) may not run there, so neither transform ever suggests them.
 *
 * Nothing here is fetched: a table entry that is wrong for a new tag is fixed here, and the
 * transforms say in every finding which fact they relied on.
 */

/** An image reference as written in FROM: `[registry/]path[:tag][@digest]`. */
export interface ImageRef {
  /** The registry host (`docker.io`, `mcr.microsoft.com`, `registry.example.com:5000`), or null. */
  registry: string | null;
  /** The repository path without the registry (`node`, `library/node`, `dotnet/sdk`). */
  path: string;
  tag: string | null;
  /** `sha256:…`, without the `@`. */
  digest: string | null;
}

/** Splits an image reference. Null for a reference dockeropt cannot read (variables, empty). */
export function parseImageRef(text: string): ImageRef | null {
  if (text === '' || /[$\s]/.test(text)) return null;
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest === '' || tag === '' || digest === '') return null;
  return { registry, path: rest, tag, digest };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry ? `${ref.registry}/` : ''}${ref.path}${ref.tag !== null ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * The Docker Hub official-image name a reference points at (`node` for `node:20`,
 * `docker.io/library/node`, `mirror.gcr.io/library/node`, `public.ecr.aws/docker/library/node`),
 * and whether it goes through a registry that is not Docker Hub (a mirror). Null when the path is
 * not an official image's (`bitnami/node`, `mcr.microsoft.com/…`).
 */
export function officialName(ref: ImageRef): { name: string; mirror: string | null } | null {
  const mirror = ref.registry && !DOCKER_HUB.has(ref.registry) ? ref.registry : null;
  const match = /^(?:library\/|docker\/library\/)?([a-z0-9][a-z0-9._-]*)$/.exec(ref.path);
  if (!match) return null;
  if (ref.path.startsWith('docker/library/') && ref.registry !== 'public.ecr.aws') return null;
  return { name: match[1]!, mirror };
}

/** A tool the full (buildpack-deps based) images have and the slim ones lack, and the Debian package that provides it. */
export interface MissingTool {
  /** compiler: a C toolchain; fetch: download tools; scm: version control; other: utilities. */
  group: 'compiler' | 'fetch' | 'scm' | 'other';
  package: string;
  /** It talks TLS and needs the CA bundle (ca-certificates) to do so. */
  tls?: boolean;
}

/** Commands of the full images that a `-slim` variant lacks, by command name. */
export const FULL_IMAGE_TOOLS: Readonly<Record<string, MissingTool>> = {
  gcc: { group: 'compiler', package: 'gcc' },
  cc: { group: 'compiler', package: 'gcc' },
  cpp: { group: 'compiler', package: 'cpp' },
  'g++': { group: 'compiler', package: 'g++' },
  'c++': { group: 'compiler', package: 'g++' },
  make: { group: 'compiler', package: 'make' },
  autoconf: { group: 'compiler', package: 'autoconf' },
  automake: { group: 'compiler', package: 'automake' },
  libtool: { group: 'compiler', package: 'libtool' },
  libtoolize: { group: 'compiler', package: 'libtool' },
  'pkg-config': { group: 'compiler', package: 'pkg-config' },
  'dpkg-architecture': { group: 'compiler', package: 'dpkg-dev' },
  'dpkg-buildflags': { group: 'compiler', package: 'dpkg-dev' },
  curl: { group: 'fetch', package: 'curl', tls: true },
  wget: { group: 'fetch', package: 'wget', tls: true },
  gpg: { group: 'fetch', package: 'gnupg' },
  git: { group: 'scm', package: 'git', tls: true },
  'git-lfs': { group: 'scm', package: 'git-lfs', tls: true },
  hg: { group: 'scm', package: 'mercurial', tls: true },
  svn: { group: 'scm', package: 'subversion', tls: true },
  ssh: { group: 'scm', package: 'openssh-client' },
  scp: { group: 'scm', package: 'openssh-client' },
  'ssh-keyscan': { group: 'scm', package: 'openssh-client' },
  patch: { group: 'other', package: 'patch' },
  file: { group: 'other', package: 'file' },
  unzip: { group: 'other', package: 'unzip' },
  bzip2: { group: 'other', package: 'bzip2' },
  xz: { group: 'other', package: 'xz-utils' },
  unxz: { group: 'other', package: 'xz-utils' },
  ps: { group: 'other', package: 'procps' },
  pgrep: { group: 'other', package: 'procps' },
  pkill: { group: 'other', package: 'procps' },
  top: { group: 'other', package: 'procps' },
  free: { group: 'other', package: 'procps' },
  convert: { group: 'other', package: 'imagemagick' },
  identify: { group: 'other', package: 'imagemagick' },
  mogrify: { group: 'other', package: 'imagemagick' },
};

/** JDK commands a JRE image lacks. */
export const JDK_ONLY_TOOLS: readonly string[] = ['javac', 'jar', 'jarsigner', 'javadoc', 'javap', 'jdeps', 'jlink', 'jmod', 'jpackage', 'jshell', 'jdb', 'jcmd', 'jstack', 'jmap'];

/** apt packages that only build things: a runtime stage never needs them. */
export const BUILD_ONLY_PACKAGES: ReadonlySet<string> = new Set([
  'build-essential', 'gcc', 'g++', 'cpp', 'clang', 'make', 'cmake', 'ninja-build', 'meson', 'autoconf', 'automake',
  'libtool', 'pkg-config', 'pkgconf', 'dpkg-dev', 'libc6-dev', 'linux-libc-dev', 'gfortran', 'swig', 'cython3',
  'python3-dev', 'python-dev', 'rustc', 'cargo',
]);

/**
 * Runtime libraries of `-dev` header packages, where the library's package name is the same in
 * Debian bookworm and trixie. `null`: the library is already in every slim image of the table
 * (libc, zlib, OpenSSL, libffi, SQLite, … come with the language runtime) or the package only
 * holds headers. A `-dev` package not listed is kept as it is (it pulls its library in).
 */
export const DEV_PACKAGE_RUNTIME: Readonly<Record<string, string | null>> = {
  'libpq-dev': 'libpq5',
  'libxml2-dev': 'libxml2',
  'libxslt1-dev': 'libxslt1.1',
  'libxslt-dev': 'libxslt1.1',
  'libjpeg-dev': 'libjpeg62-turbo',
  'libjpeg62-turbo-dev': 'libjpeg62-turbo',
  'libyaml-dev': 'libyaml-0-2',
  'libsqlite3-dev': null,
  'zlib1g-dev': null,
  'libffi-dev': null,
  'libssl-dev': null,
  'libbz2-dev': null,
  'liblzma-dev': null,
  'libreadline-dev': null,
  'libncurses-dev': null,
  'libncurses5-dev': null,
  'libncursesw5-dev': null,
  'uuid-dev': null,
  'libgdbm-dev': null,
  'libdb-dev': null,
  'libc6-dev': null,
  'linux-libc-dev': null,
  'python3-dev': null,
};

/**
 * Crates whose build links a C library the binary then needs at run time, and the Debian package
 * that brings it (chosen so that the name does not change between Debian releases: `openssl`
 * pulls whichever libssl the release ships).
 */
export const SYS_CRATE_PACKAGES: Readonly<Record<string, string>> = {
  'openssl-sys': 'openssl',
  'pq-sys': 'libpq5',
  'mysqlclient-sys': 'libmariadb3',
  'libsqlite3-sys': 'libsqlite3-0',
  'curl-sys': 'curl',
  'zstd-sys': 'libzstd1',
};

export type Suite = 'bullseye' | 'bookworm' | 'trixie';

const SUITES: readonly Suite[] = ['bullseye', 'bookworm', 'trixie'];

/** The Debian suite a tag names (`20-bookworm`, `3.11-slim-trixie`), or null. */
export function suiteInTag(tag: string | null): Suite | null {
  if (!tag) return null;
  return SUITES.find((suite) => tag.split('-').includes(suite)) ?? null;
}

export function debianVersion(suite: Suite): number {
  return { bullseye: 11, bookworm: 12, trixie: 13 }[suite];
}

/** A family of official images and its slim variant. */
export interface Family {
  /** The official image name (`node`) or, for non-Hub images, the full repository (`mcr.microsoft.com/dotnet/sdk`). */
  name: string;
  /** The slim tag for a tag of this family, or why there is none. */
  slimTag(tag: string | null): { tag: string; repository?: string } | { none: string };
  /** Tools of the full image (FULL_IMAGE_TOOLS keys, or JDK tools) the slim variant still has. */
  slimKeeps: readonly string[];
  /** The slim variant has ca-certificates. */
  slimHasCaCertificates: boolean;
  /** Whether an -alpine variant exists (for the note on why it is not suggested). */
  alpine: boolean;
  /** A note about the replacement that the finding must state (e.g. a different vendor or JAVA_HOME). */
  note?: string;
  /** The tools the slim variant lacks come from the JDK, not from buildpack-deps. */
  jdk?: boolean;
  /** What the slim variant drops when it is not buildpack-deps' tools or the JDK (debian: docs, man pages, locales). */
  slimDrops?: string;
}

const isVariant = (tag: string) => /(^|-)(slim|alpine|windowsservercore|nanoserver)/.test(tag);

/** `V` → `V-slim`, `V-suite` → `V-slim-suite` (python, ruby, rust, perl). */
function slimBeforeSuite(tag: string | null): { tag: string } | { none: string } {
  if (tag === null || tag === 'latest') return { tag: 'slim' };
  if (isVariant(tag)) return { none: `${tag} is already a reduced variant` };
  const suite = suiteInTag(tag);
  if (suite) {
    const version = tag.slice(0, tag.length - suite.length - 1);
    return /^[\w.]+$/.test(version) ? { tag: `${version}-slim-${suite}` } : { none: `the tag ${tag} is not in the table` };
  }
  return /^[\w.]+$/.test(tag) ? { tag: `${tag}-slim` } : { none: `the tag ${tag} is not in the table` };
}

/** `V` → `V-slim`, `V-suite` → `V-suite-slim` (node, elixir, erlang, debian). */
function slimAfter(tag: string | null, latest: string | null): { tag: string } | { none: string } {
  if (tag === null || tag === 'latest') return latest ? { tag: latest } : { none: 'the untagged image has no slim tag' };
  if (isVariant(tag)) return { none: `${tag} is already a reduced variant` };
  return /^[\w.-]+$/.test(tag) ? { tag: `${tag}-slim` } : { none: `the tag ${tag} is not in the table` };
}

/** The major Java version of a tag (`17`, `17-jdk`, `21.0.2_13-jdk-jammy`). */
function javaMajor(tag: string | null): string | null {
  const match = /^(\d+)(?:[._]\d+)*(?:_\d+)?(?:-|$)/.exec(tag ?? '');
  return match ? match[1]! : null;
}

const TEMURIN_MAJORS = new Set(['8', '11', '17', '21', '25']);

export const FAMILIES: readonly Family[] = [
  { name: 'node', slimTag: (tag) => slimAfter(tag, 'slim'), slimKeeps: [], slimHasCaCertificates: false, alpine: true },
  { name: 'python', slimTag: slimBeforeSuite, slimKeeps: [], slimHasCaCertificates: true, alpine: true },
  { name: 'ruby', slimTag: slimBeforeSuite, slimKeeps: [], slimHasCaCertificates: true, alpine: true },
  { name: 'perl', slimTag: slimBeforeSuite, slimKeeps: [], slimHasCaCertificates: true, alpine: false },
  { name: 'rust', slimTag: slimBeforeSuite, slimKeeps: ['gcc', 'cc'], slimHasCaCertificates: true, alpine: true },
  { name: 'elixir', slimTag: (tag) => slimAfter(tag, 'slim'), slimKeeps: [], slimHasCaCertificates: true, alpine: true },
  { name: 'erlang', slimTag: (tag) => slimAfter(tag, 'slim'), slimKeeps: [], slimHasCaCertificates: true, alpine: true },
  {
    name: 'debian',
    slimTag: (tag) => (tag === null || tag === 'latest' ? { none: 'debian:latest has no slim tag; name the release (bookworm-slim)' } : slimAfter(tag, null)),
    slimKeeps: [],
    slimHasCaCertificates: false,
    alpine: false,
    slimDrops: 'documentation, man pages and locale data (its dpkg config also leaves them out of packages installed later)',
  },
  {
    name: 'openjdk',
    slimTag(tag) {
      const major = javaMajor(tag);
      if (!major || /windows|nanoserver|alpine|oracle/.test(tag ?? '')) return { none: `the tag ${tag ?? 'latest'} is not in the table` };
      if (!TEMURIN_MAJORS.has(major)) return { none: `Eclipse Temurin publishes no JRE image for Java ${major}` };
      return { tag: `${major}-jre`, repository: 'eclipse-temurin' };
    },
    slimKeeps: [],
    slimHasCaCertificates: true,
    alpine: true,
    jdk: true,
    note: 'the openjdk images are deprecated; eclipse-temurin is a different build of OpenJDK, and its JAVA_HOME is /opt/java/openjdk',
  },
  {
    name: 'eclipse-temurin',
    slimTag(tag) {
      const major = javaMajor(tag);
      if (!tag || !major) return { none: `the tag ${tag ?? 'latest'} names no Java version` };
      if (/-jre(-|$)/.test(tag)) return { none: `${tag} is already a JRE` };
      if (/windows|nanoserver/.test(tag)) return { none: `the tag ${tag} is not in the table` };
      const rest = tag.replace(/-jdk(?=-|$)/, '');
      const version = /^[\d._]+/.exec(rest)![0];
      return { tag: `${version}-jre${rest.slice(version.length)}` };
    },
    slimKeeps: [],
    slimHasCaCertificates: true,
    alpine: true,
    jdk: true,
  },
];

export function findFamily(ref: ImageRef): { family: Family; mirror: string | null } | null {
  const official = officialName(ref);
  if (!official) return null;
  const family = FAMILIES.find((f) => f.name === official.name);
  return family ? { family, mirror: official.mirror } : null;
}

/** The reference with another repository name and tag, keeping the registry and the `library/` prefix. */
export function withNameAndTag(ref: ImageRef, name: string, tag: string): ImageRef {
  const prefix = ref.path.includes('/') ? ref.path.slice(0, ref.path.lastIndexOf('/') + 1) : '';
  return { registry: ref.registry, path: `${prefix}${name}`, tag, digest: null };
}

// ---------------------------------------------------------------------------------------------
// Runtime images for multi-stage

/** What a runtime image offers the program it runs. */
export interface RuntimeImage {
  ref: string;
  /** It has /bin/sh (a shell-form CMD or HEALTHCHECK can run). */
  shell: boolean;
  /** It has apt-get (a runtime stage can install packages). */
  apt: boolean;
  /** User names in its /etc/passwd. */
  users: readonly string[];
  /** Commands on its PATH that a CMD may call by name. */
  commands: readonly string[];
  /** apt packages it already has. */
  packages: readonly string[];
}

const DEBIAN_USERS = ['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', '_apt', 'nobody'];
const SHELL_COMMANDS = ['sh', 'bash', 'cat', 'echo', 'ls', 'env', 'sleep', 'test', 'true', 'false', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'chown', 'grep', 'sed', 'tar', 'gzip', 'gunzip'];

export function distrolessImage(kind: 'static' | 'base' | 'cc', suite: Suite): RuntimeImage {
  return {
    ref: `gcr.io/distroless/${kind}-debian${debianVersion(suite)}`,
    shell: false,
    apt: false,
    users: ['root', 'nonroot', 'nobody'],
    commands: [],
    packages: ['ca-certificates', 'tzdata', 'netbase', 'base-files', ...(kind === 'static' ? [] : ['libc6', 'libssl3'])],
  };
}

export function debianSlimImage(suite: Suite): RuntimeImage {
  return { ref: `debian:${suite}-slim`, shell: true, apt: true, users: DEBIAN_USERS, commands: SHELL_COMMANDS, packages: [] };
}

/** A language image's slim variant as a runtime (node:20-slim, python:3.11-slim). */
export function languageSlimImage(ref: string, family: 'node' | 'python'): RuntimeImage {
  const node = family === 'node';
  return {
    ref,
    shell: true,
    apt: true,
    users: node ? [...DEBIAN_USERS, 'node'] : DEBIAN_USERS,
    commands: [...SHELL_COMMANDS, ...(node ? ['node', 'npm', 'npx', 'yarn', 'corepack'] : ['python', 'python3', 'pip', 'pip3'])],
    packages: node ? [] : ['ca-certificates', 'netbase', 'tzdata'],
  };
}

export function temurinJreImage(ref: string): RuntimeImage {
  return { ref, shell: true, apt: !/alpine/.test(ref), users: ['root', 'ubuntu', 'nobody'], commands: [...SHELL_COMMANDS, 'java'], packages: ['ca-certificates', 'tzdata'] };
}

export function dotnetRuntimeImage(ref: string): RuntimeImage {
  return {
    ref,
    shell: true,
    apt: !/alpine|chiseled|distroless/.test(ref),
    users: [...DEBIAN_USERS, 'app'],
    commands: /runtime-deps/.test(ref) ? SHELL_COMMANDS : [...SHELL_COMMANDS, 'dotnet'],
    packages: ['ca-certificates', 'tzdata'],
  };
}

/** A runtime image named in the transform options: nothing is assumed about it but what its name says. */
export function configuredImage(ref: string): RuntimeImage {
  const distroless = /distroless|chiseled|scratch/.test(ref);
  return {
    ref,
    shell: !distroless,
    apt: !distroless && !/alpine/.test(ref),
    users: distroless ? ['root', 'nonroot', 'nobody'] : ['root', 'nobody'],
    commands: distroless ? [] : SHELL_COMMANDS,
    packages: [],
  };
}

/**
 * The Debian suite an untagged-suite image of a family is built on, by its version: the official
 * images moved their default to bookworm in mid-2023 and to trixie in August 2025.
 */
export function defaultSuite(family: 'golang' | 'rust' | 'elixir', version: string | null): Suite {
  const [major, minor] = (version ?? '').split('.').map((n) => Number(n));
  if (major === undefined || Number.isNaN(major) || minor === undefined || Number.isNaN(minor)) return 'bookworm';
  const at = (m: number, n: number) => major > m || (major === m && minor >= n);
  if (family === 'golang') return at(1, 25) ? 'trixie' : at(1, 21) ? 'bookworm' : 'bullseye';
  if (family === 'rust') return at(1, 89) ? 'trixie' : at(1, 70) ? 'bookworm' : 'bullseye';
  return at(1, 19) ? 'trixie' : at(1, 15) ? 'bookworm' : 'bullseye';
}

/** The version at the start of a tag (`1.22` in `1.22.2-bookworm`), or null. */
export function tagVersion(tag: string | null): string | null {
  return /^\d+(?:\.\d+)*/.exec(tag ?? '')?.[0] ?? null;
}

/**
 * The JDK major version of a build image (`maven:3.9-eclipse-temurin-21` → 21, `gradle:8-jdk17`
 * → 17, `eclipse-temurin:21-jdk` → 21), with the assumption made when the tag does not say.
 */
export function jdkOfBuildImage(name: string, tag: string | null): { major: string; assumed: string | null } | null {
  const t = tag ?? 'latest';
  if (name === 'eclipse-temurin' || name === 'openjdk' || name === 'amazoncorretto' || name === 'sapmachine') {
    const major = javaMajor(t);
    return major ? { major, assumed: null } : null;
  }
  const named = /(?:temurin|openjdk|corretto|jdk|sapmachine|graalvm-ce|ibm-semeru-runtimes)-?(\d+)(?:-|$)/.exec(t);
  if (named) return { major: named[1]!, assumed: null };
  if ((name === 'maven' || name === 'gradle') && /^(latest|\d+(\.\d+)*)$/.test(t)) {
    return { major: '21', assumed: `${name}:${t} ships JDK 21 (the default of the official ${name} images since late 2023)` };
  }
  return null;
}
