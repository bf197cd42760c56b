/**
 * Maven: `mvn dependency:go-offline`, `dependency:resolve`, `dependency:resolve-plugins` (also as
 * `org.apache.maven.plugins:maven-dependency-plugin[:VERSION]:GOAL`, and the
 * `de.qaware.maven:go-offline-maven-plugin` `resolve-dependencies` goal), run as `mvn` or `./mvnw`,
 * with -B, -q, -U, -ntp, -P, -pl, -f, -s/-gs, -t/-gt and -D properties.
 *
 * Reads: the POM (pom.xml, or -f), every module's POM (`<modules>`, in profiles too, and Maven 4's
 * `<subprojects>`), every parent POM that `<relativePath>` (default ../pom.xml) finds inside the
 * folder, the whole `.mvn/` folder the mvn script finds by walking up from the POM's folder
 * (maven.config, jvm.config, extensions.xml, wrapper/), the settings and toolchains files given
 * with -s/-gs/-t/-gt, and for `./mvnw` the script itself. These goals build the project model and
 * resolve artifacts; they run no plugin of the project, so sources are not read.
 *
 * Writes: the local repository (~/.m2, outside the folder; with a relative
 * `-Dmaven.repo.local` that folder), and nothing in the project: go-offline does not create
 * target/. The mvnw script downloads .mvn/wrapper/maven-wrapper.jar when it is missing, the same
 * with or without the split, since .mvn/ is copied whole.
 *
 * Skipped: a `target/` the context sends (Maven 3.9's ReactorReader hands a jar an earlier build
 * left in target/ to sibling modules, checking it against target/classes), a custom
 * `<build><directory>`, core extensions in .mvn/extensions.xml, build extensions and plugins with
 * `<extensions>true</extensions>` (their code runs while the project is built), profiles activated
 * by a file's presence (`<activation><file>`), `<systemPath>` dependencies and `file:`
 * repositories (they read files from the tree), a module or an explicit parent `<relativePath>`
 * outside the folder, module names with properties, settings that move the local repository, and
 * settings or -f paths that are absolute or leave the folder (dockeropt cannot tell whether they
 * are among the copied files).
 *
 * Not inserted: when only `mvn package` fetches the dependencies, dockeropt does not add a
 * `mvn dependency:go-offline` step before it. go-offline downloads maven-dependency-plugin itself
 * and the artifacts of every scope and declared plugin, not just what `package` uses, so ~/.m2
 * and therefore the image would differ: the `identical` contract would not hold.
 */
import path from 'node:path';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';
import { childElements, descendants, elementsAt, localName, parseXml, textAt, type XmlElement } from './xml-text.js';

const FLAGS = {
  boolean: [
    '-B', '--batch-mode', '-q', '--quiet', '-e', '--errors', '-X', '--debug', '-U', '--update-snapshots', '-ntp',
    '--no-transfer-progress', '-o', '--offline', '-C', '--strict-checksums', '-c', '--lax-checksums', '-fae', '--fail-at-end',
    '-ff', '--fail-fast', '-fn', '--fail-never', '-am', '--also-make', '-amd', '--also-make-dependents', '-N', '--non-recursive',
    '-V', '--show-version', '-nsu', '--no-snapshot-updates',
  ],
  valued: [
    '-f', '--file', '-s', '--settings', '-gs', '--global-settings', '-t', '--toolchains', '-gt', '--global-toolchains',
    '-P', '--activate-profiles', '-pl', '--projects', '-rf', '--resume-from', '-T', '--threads', '-D', '--define', '--color',
  ],
};
const SETTINGS_FLAGS = ['-s', '--settings', '-gs', '--global-settings', '-t', '--toolchains', '-gt', '--global-toolchains'];
const DEPENDENCY_GOALS = new Set(['go-offline', 'resolve', 'resolve-plugins']);
/** Property names that look like paths: a goal may read or write there. */
const PATH_PROPERTY = /file|dir|directory|path|output|basedir|repo\.local|multiModuleProjectDirectory/i;

interface Options {
  wrapper: boolean;
  pom: string;
  settings: string[];
  repoLocal: string | null;
}

export const maven: Ecosystem = {
  id: 'maven',
  match(words) {
    if (words[0] !== 'mvn' && words[0] !== './mvnw') return null;
    const goals = words.slice(1).filter((word) => !word.startsWith('-'));
    const parsed = parseMavenArgs(words.slice(1));
    if (typeof parsed === 'string') {
      // Not every unreadable command is an install: only say why when it runs the goals below.
      return goals.some(isDependencyGoal) ? { skip: parsed } : null;
    }
    if (parsed.goals.length === 0 || !parsed.goals.every(isDependencyGoal)) return null;
    const bad = mavenArgsReason(parsed);
    if (bad) return { skip: bad };
    const options: Options = {
      wrapper: words[0] === './mvnw',
      pom: parsed.values.get('-f')?.at(-1) ?? 'pom.xml',
      settings: parsed.settings,
      repoLocal: parsed.defines.get('maven.repo.local') ?? null,
    };
    return {
      ecosystem: 'maven',
      display: words.join(' '),
      plan: (directory) => planMaven(directory, options),
      // The mvn script takes the nearest folder above with a .mvn/ as the project base; a parent
      // POM is looked for at ../pom.xml.
      ancestorFiles: ['.mvn', 'pom.xml'],
    };
  },
};

function isDependencyGoal(goal: string): boolean {
  const parts = goal.split(':');
  if (parts.length === 2 && parts[0] === 'dependency') return DEPENDENCY_GOALS.has(parts[1]!);
  if (parts[0] === 'org.apache.maven.plugins' && parts[1] === 'maven-dependency-plugin' && (parts.length === 3 || parts.length === 4)) {
    return DEPENDENCY_GOALS.has(parts.at(-1)!);
  }
  return parts[0] === 'de.qaware.maven' && parts[1] === 'go-offline-maven-plugin' && (parts.length === 3 || parts.length === 4) && parts.at(-1) === 'resolve-dependencies';
}

interface MavenArgs {
  goals: string[];
  values: Map<string, string[]>;
  defines: Map<string, string>;
  settings: string[];
}

/** Options and goals of a Maven command line (or of .mvn/maven.config), or why they cannot be read. */
function parseMavenArgs(args: string[]): MavenArgs | string {
  const variable = args.find((word) => word.includes('$') || word.includes('`'));
  if (variable) return `the Maven command uses a variable (${variable})`;
  const defines = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const define = /^-D(.+)$/.exec(word) ?? ((word === '-D' || word === '--define') && args[i + 1] ? /^(.+)$/.exec(args[++i]!) : null);
    if (define) {
      const [name, ...value] = define[1]!.split('=');
      defines.set(name!, value.join('=') || 'true');
    } else if (/^-P[^-]/.test(word) || /^-T\d/.test(word)) {
      continue;
    } else {
      rest.push(word);
    }
  }
  const { flags, positionals, unknown } = parseWords(rest, FLAGS);
  if (unknown.length > 0) return `Maven flag ${unknown[0]} is not known to be safe to split`;
  const values = new Map<string, string[]>();
  for (const [name, list] of flags) {
    const canonical = { '--file': '-f' }[name] ?? name;
    values.set(canonical, [...(values.get(canonical) ?? []), ...list]);
  }
  const settings = SETTINGS_FLAGS.flatMap((flag) => flags.get(flag) ?? []);
  return { goals: positionals, values, defines, settings };
}

/** Why these options may make Maven read or write files dockeropt does not follow. */
function mavenArgsReason(args: MavenArgs): string | null {
  for (const [name, value] of args.defines) {
    if (name === 'maven.repo.local') {
      if (!isInsidePath(value)) return `-Dmaven.repo.local=${value} may be inside the copied folder, which dockeropt cannot tell`;
    } else if (PATH_PROPERTY.test(name)) {
      return `the property -D${name} names a path, which the goal may read or write`;
    }
  }
  for (const file of [...(args.values.get('-f') ?? []), ...args.settings]) {
    if (!isInsidePath(file)) return `${file} is an absolute path or leaves the folder, so dockeropt cannot tell whether it is among the copied files`;
  }
  return null;
}

/** A relative path that stays inside the folder. */
function isInsidePath(file: string): boolean {
  const normal = path.posix.normalize(file);
  return !normal.startsWith('/') && !normal.startsWith('..') && !normal.startsWith('~') && !file.includes('${');
}

function planMaven(directory: InstallDirectory, options: Options): InstallPlan {
  const reads = new Set<string>();
  let rootPom = path.posix.normalize(options.pom);
  if (directory.isSentDirectory(rootPom)) rootPom = path.posix.join(rootPom, 'pom.xml');
  const rootDir = path.posix.dirname(rootPom).replace(/^\.$/, '');

  // The .mvn folders between the POM and the install folder (the nearest is the base directory).
  const settings = [...options.settings];
  let repoLocal = options.repoLocal;
  for (let folder = rootDir; ; folder = path.posix.dirname(folder).replace(/^\.$/, '')) {
    const mvn = path.posix.join(folder, '.mvn');
    if (directory.isSentDirectory(mvn)) {
      const files = directory.sentUnder(mvn);
      if (files === 'too-many') return { skip: `too many files under ${mvn}/` };
      for (const file of files) reads.add(file);
      const reason = dotMvnReason(directory, mvn, settings);
      if (typeof reason === 'string') return { skip: reason };
      repoLocal ??= reason.repoLocal;
    } else if (directory.isSent(mvn)) {
      return { skip: `${mvn} is not a folder` };
    }
    if (folder === '') break;
  }
  if (options.wrapper) {
    if (!directory.isSent('mvnw')) return { skip: 'the build context has no mvnw' };
    reads.add('mvnw');
    const wrapperReason = distributionReason(directory, '.mvn/wrapper/maven-wrapper.properties');
    if (wrapperReason) return { skip: wrapperReason };
  }

  for (const file of settings) {
    const text = directory.readText(file);
    if (text === null) return { skip: unreadable(directory, file) ?? `${file} is not in the build context` };
    const xml = parseXml(text, file);
    if (typeof xml === 'string') return { skip: xml };
    const local = textAt(xml, ['localRepository']);
    if (local !== null && local !== '') return { skip: `${file} sets localRepository ${local}, which may be inside the copied folder` };
    const fileUrl = descendants(xml).find((element) => localName(element) === 'url' && /^file:/i.test(element.text));
    if (fileUrl) return { skip: `${file} uses the local repository ${fileUrl.text}` };
    reads.add(path.posix.normalize(file));
  }

  const poms = readPoms(directory, rootPom);
  if (typeof poms === 'string') return { skip: poms };
  for (const pom of poms) reads.add(pom);

  const writes: string[] = [];
  if (repoLocal !== null) writes.push(path.posix.normalize(repoLocal));
  return { reads: [...reads], writes };
}

/** Checks .mvn/ (maven.config options, jvm.config, extensions.xml); returns a reason or what it sets. */
function dotMvnReason(directory: InstallDirectory, mvn: string, settings: string[]): string | { repoLocal: string | null } {
  let repoLocal: string | null = null;
  const config = directory.readText(`${mvn}/maven.config`);
  if (config === null && directory.isSent(`${mvn}/maven.config`)) return unreadable(directory, `${mvn}/maven.config`)!;
  if (config !== null) {
    const args = parseMavenArgs(config.split(/\s+/).filter((word) => word !== ''));
    if (typeof args === 'string') return `${mvn}/maven.config: ${args}`;
    if (args.goals.length > 0) return `${mvn}/maven.config names ${args.goals[0]}, which dockeropt does not follow`;
    const reason = mavenArgsReason(args);
    if (reason) return `${mvn}/maven.config: ${reason}`;
    // Relative paths there are resolved against the working directory by some Maven versions and
    // against the base directory by others: the same folder only when .mvn/ is where mvn runs.
    if (args.settings.length > 0 && mvn !== '.mvn') return `${mvn}/maven.config names a settings file, and dockeropt cannot tell which folder Maven resolves it against`;
    settings.push(...args.settings);
    if (args.values.has('-f')) return `${mvn}/maven.config sets -f, which dockeropt does not follow`;
    repoLocal = args.defines.get('maven.repo.local') ?? null;
  }
  const jvm = directory.readText(`${mvn}/jvm.config`);
  if (jvm !== null && /maven\.repo\.local|user\.home|user\.dir/.test(jvm)) return `${mvn}/jvm.config moves where Maven reads or writes`;
  const extensions = directory.readText(`${mvn}/extensions.xml`);
  if (extensions !== null) {
    const xml = parseXml(extensions, `${mvn}/extensions.xml`);
    if (typeof xml === 'string') return xml;
    if (descendants(xml).some((element) => localName(element) === 'extension')) {
      return `${mvn}/extensions.xml loads Maven core extensions, whose code runs in every build and may read any file`;
    }
  }
  return { repoLocal };
}

/** Why a wrapper's distributionUrl points at a local file, if it does. */
export function distributionReason(directory: InstallDirectory, file: string): string | null {
  const text = directory.readText(file);
  if (text === null) return null;
  const url = /^\s*distributionUrl\s*[=:]\s*(\S+)/m.exec(text)?.[1];
  return url !== undefined && !/^https?\\?:/.test(url) ? `${file} downloads the distribution from ${url}, a local path` : null;
}

/** Every POM the reactor reads, from the root through modules and in-folder parents; or a reason. */
function readPoms(directory: InstallDirectory, rootPom: string): string[] | string {
  const seen: string[] = [];
  const queue: { pom: string; why: 'root' | 'module' | 'parent' }[] = [{ pom: rootPom, why: 'root' }];
  while (queue.length > 0) {
    const { pom, why } = queue.shift()!;
    if (seen.includes(pom)) continue;
    const text = directory.readText(pom);
    if (text === null) {
      if (why === 'parent' && !directory.isSent(pom)) continue; // Maven then takes the parent from the repository.
      return unreadable(directory, pom) ?? (why === 'module' ? `the module POM ${pom} is not in the build context` : `${pom} is not in the build context`);
    }
    seen.push(pom);
    const xml = parseXml(text, pom);
    if (typeof xml === 'string') return xml;
    if (localName(xml) !== 'project') return `${pom} is not a Maven POM`;
    const folder = path.posix.dirname(pom).replace(/^\.$/, '');
    const reason = pomReason(xml, pom);
    if (reason) return reason;
    if (directory.isSent(path.posix.join(folder, 'target'))) {
      return `the build context sends ${path.posix.join(folder, 'target')}, where Maven may pick up a jar an earlier build left; add target/ to .dockerignore`;
    }

    const moduleNames = [
      ...elementsAt(xml, ['modules', 'module']),
      ...elementsAt(xml, ['subprojects', 'subproject']),
      ...elementsAt(xml, ['profiles', 'profile', 'modules', 'module']),
      ...elementsAt(xml, ['profiles', 'profile', 'subprojects', 'subproject']),
    ].map((element) => element.text);
    for (const name of moduleNames) {
      if (name.includes('$')) return `${pom} names the module ${name} through a property`;
      const target = pomPath(folder, name);
      if (target === null) return `${pom} has the module ${name} outside the folder`;
      queue.push({ pom: target, why: 'module' });
    }

    const parent = childElements(xml, 'parent')[0];
    if (parent) {
      const relative = childElements(parent, 'relativePath')[0];
      const given = relative?.text;
      if (given === undefined || given !== '') {
        const target = pomPath(folder, given ?? '..');
        if (target !== null) queue.push({ pom: target, why: 'parent' });
        // The default ../pom.xml of the POM at the top is above the folder: unchanged by the split
        // unless the copied folder holds it, which ancestorFiles checks.
        else if (given !== undefined || folder !== '') return `${pom} has its parent POM at ${given ?? '../pom.xml'}, outside the folder`;
      }
    }
  }
  return seen;
}

/** `folder/name/pom.xml` (or `folder/name` when it names a file), or null when it leaves the folder. */
function pomPath(folder: string, name: string): string | null {
  const joined = path.posix.join(folder || '.', name.replace(/\\/g, '/'));
  const file = /\.xml$/.test(joined) ? joined : path.posix.join(joined, 'pom.xml');
  return file.startsWith('..') || file.startsWith('/') ? null : file;
}

/** Why building this POM's model may read files or run code beyond the POMs, if it may. */
function pomReason(xml: XmlElement, pom: string): string | null {
  const projects = [xml, ...elementsAt(xml, ['profiles', 'profile'])];
  for (const project of projects) {
    const build = childElements(project, 'build')[0];
    if (!build) continue;
    if (childElements(build, 'extensions').some((e) => childElements(e, 'extension').length > 0)) {
      return `${pom} declares build extensions, whose code runs while Maven builds the project model`;
    }
    if (childElements(build, 'directory').length > 0) return `${pom} sets <build><directory>, which dockeropt does not follow`;
  }
  const all = descendants(xml);
  for (const element of all) {
    const name = localName(element);
    if (name === 'plugin' && childElements(element, 'extensions').some((e) => e.text === 'true')) {
      return `${pom} loads the plugin ${textAt(element, ['artifactId']) ?? ''} as an extension, whose code runs while Maven builds the project model`;
    }
    if (name === 'activation' && childElements(element, 'file').length > 0) {
      return `${pom} has a profile activated by a file's presence, which would change once the sources are copied`;
    }
    if (name === 'systemPath') return `${pom} has a system-scoped dependency at ${element.text}, a file in the tree`;
    if (name === 'url' && /^file:/i.test(element.text)) return `${pom} uses the local repository ${element.text}`;
  }
  return null;
}
