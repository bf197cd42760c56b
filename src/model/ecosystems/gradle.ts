/**
 * Gradle: `gradle dependencies` and `./gradlew dependencies` (also `:app:dependencies`, with
 * --configuration, --no-daemon, --refresh-dependencies, --offline, -q, --console, …).
 *
 * Gradle build scripts are programs (Groovy or Kotlin), and plugins run their own code while the
 * build is configured, so what a Gradle run reads can only be bounded for builds that do nothing
 * but declare. Running `dependencies` configures every project (it evaluates the settings script
 * and every project's build script) and resolves dependency metadata; it compiles and reads no
 * source file, unless a script or plugin does.
 *
 * Reads: settings.gradle(.kts), and for the root and each project the settings `include`:
 * build.gradle(.kts), gradle.properties (Gradle loads one per project folder) and local.properties
 * (plugins commonly read it); the whole gradle/ folder (libs.versions.toml, wrapper/,
 * verification-metadata.xml); for ./gradlew the script itself.
 * Writes: .gradle/ (the project cache), .kotlin/ (Kotlin 2's session data) and build/ of the root
 * and of each project: listed so that a context sending them is skipped.
 *
 * Skipped, because the inputs cannot be bounded: buildSrc/ and `includeBuild`/`includeFlat`
 * (compiled plugin code); any script that touches files or runs commands (file(), files(),
 * fileTree(), File(…), java.io/java.nio, readText, Properties().load, exec, ProcessBuilder,
 * `.execute()`, `apply from:`, a local uri()/url/flatDir repository, `projectDir =`, copy/delete/mkdir,
 * …); any plugin outside a list of plugins known to read no project file while the build is
 * configured (Gradle's core JVM plugins, Kotlin JVM and its compiler plugins, Spring Boot,
 * dependency-management, Shadow, the foojay toolchain resolver); `include` with names that are not
 * literals; a project folder in which no file would be copied (it would not exist before the
 * install, and Gradle 9 refuses a missing project folder); tasks other than `dependencies` (a
 * custom "downloadDependencies" task may depend on compile tasks); --write-locks,
 * --update-locks and --write-verification-metadata (they rewrite files the later COPY would put
 * back); and -p, -c, -b, -g, -I, --project-cache-dir, which move what is read or written.
 * Gradle also looks for a settings file in the folders above: ancestorFiles.
 *
 * Not inserted: when only `gradle build` fetches the dependencies, dockeropt does not add a
 * `gradle dependencies` step. That task resolves the root project's configurations' metadata, not
 * the jars `build` downloads, and leaves its own state in .gradle/ and ~/.gradle, so the caches and
 * therefore the image would differ from a build without it.
 */
import path from 'node:path';
import { tomlEntries, tomlInlineTable, tomlString } from './config-text.js';
import { distributionReason } from './maven.js';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';

const FLAGS = {
  boolean: [
    '--no-daemon', '--daemon', '-q', '--quiet', '-i', '--info', '--debug', '-w', '--warn', '-s', '--stacktrace', '-S',
    '--full-stacktrace', '--offline', '--refresh-dependencies', '--no-build-cache', '--build-cache', '--no-configuration-cache',
    '--no-parallel', '--parallel', '--no-scan', '--no-watch-fs', '--continue',
  ],
  valued: ['--configuration', '--console', '--warning-mode', '--max-workers', '--dependency-verification', '--priority'],
};
const WRITING_FLAGS = new Set(['--write-locks', '--update-locks', '--write-verification-metadata']);
const DEPENDENCIES_TASK = /^(?::?[A-Za-z0-9_.-]+:)*:?dependencies$/;
const DOWNLOAD_TASK = /^(?::?[A-Za-z0-9_.-]+:)*:?[A-Za-z]*(Dependencies|Deps|Offline|[dD]ownload|[rR]esolve)[A-Za-z]*$/;
/** Property names that look like paths: a script may read or write there. */
const PATH_PROPERTY = /file|dir|directory|path|home|cache/i;

const CORE_PLUGINS = [
  'java', 'java-library', 'java-platform', 'application', 'base', 'distribution', 'groovy', 'scala', 'idea', 'eclipse',
  'maven-publish', 'ivy-publish', 'signing', 'jacoco', 'jvm-test-suite', 'java-test-fixtures', 'version-catalog', 'war', 'ear',
  'project-report', 'test-report-aggregation', 'jacoco-report-aggregation',
];
/** Plugins known to read no project file while the build is configured. */
const KNOWN_PLUGINS = new Set([
  ...CORE_PLUGINS,
  ...CORE_PLUGINS.map((id) => `org.gradle.${id}`),
  'org.jetbrains.kotlin.jvm', 'org.jetbrains.kotlin.plugin.spring', 'org.jetbrains.kotlin.plugin.jpa', 'org.jetbrains.kotlin.plugin.allopen',
  'org.jetbrains.kotlin.plugin.noarg', 'org.jetbrains.kotlin.plugin.serialization', 'org.springframework.boot',
  'io.spring.dependency-management', 'com.github.johnrengelman.shadow', 'com.gradleup.shadow',
  'org.gradle.toolchains.foojay-resolver-convention', 'org.gradle.toolchains.foojay-resolver',
]);

/**
 * Script code that reads or writes files, runs commands or loads other scripts. Checked on the
 * script without its comments.
 */
const RISKY = new RegExp([
  String.raw`\b(file|files|fileTree|zipTree|tarTree|copy|sync|delete|mkdir|exec|javaexec|copySpec)\s*[({]|\b(file|files|fileTree)\s+["']`,
  String.raw`\bnew\s+File\b|\bFile\s*\(|\b(java|kotlin)\.(io|nio)\b`,
  String.raw`\b(Files|Paths|Path|FileInputStream|FileReader|RandomAccessFile|Scanner|ProcessBuilder|GroovyShell|Eval|Runtime|Properties|Class)\s*[.(]`,
  String.raw`\b(readText|readLines|readBytes|inputStream|newInputStream|newDataInputStream|newReader|reader|bufferedReader|withReader|withInputStream|eachLine|forEachLine|useLines|listFiles|walk|walkTopDown|eachFile|eachFileRecurse|eachDir|exists|isFile|isDirectory|canRead|lastModified|execute|evaluate|load)\s*\(`,
  String.raw`\b(writeText|appendText|writeBytes|createNewFile|mkdirs|deleteRecursively|renameTo|copyTo|outputStream|newWriter|withWriter)\s*\(`,
  String.raw`\.text\b|\bproviders\s*\.\s*(fileContents|exec|javaexec|of)\b|\bant\s*\.|\bSystem\s*\.\s*(load|setProperty)`,
  String.raw`\bapply\s*\(?\s*(from|to)\b|\bincludeBuild\b|\bincludeFlat\b|\bflatDir\b|\bbuildFileName\b|\b(projectDir|buildFile)\s*=`,
  String.raw`\buri\s*\(\s*(?!["']https?:)|\burl\s*(=|\()?\s*["'](?!https?:)`,
].join('|'));

interface Options {
  wrapper: boolean;
}

export const gradle: Ecosystem = {
  id: 'gradle',
  match(words) {
    if (words[0] !== 'gradle' && words[0] !== './gradlew') return null;
    const args = words.slice(1);
    const rest: string[] = [];
    let pathProperty: string | null = null;
    for (const word of args) {
      const property = /^-[PD]([^=]+)(=.*)?$/.exec(word);
      if (property && PATH_PROPERTY.test(property[1]!)) pathProperty ??= word;
      if (!property) rest.push(word);
    }
    const { positionals: tasks, unknown } = parseWords(rest, FLAGS);
    // An unknown flag may take a value, which then reads as a task: judge by the dependencies task alone.
    if (unknown.length > 0 && tasks.some((task) => DEPENDENCIES_TASK.test(task))) {
      const writing = unknown.find((word) => WRITING_FLAGS.has(word.split('=')[0]!));
      return { skip: writing ? `${writing} writes lock or verification files, which the later COPY would overwrite` : `Gradle flag ${unknown[0]} is not known to be safe to split` };
    }
    if (tasks.length === 0) return null;
    if (!tasks.every((task) => DEPENDENCIES_TASK.test(task))) {
      // A task of the build's own that downloads dependencies is an install dockeropt cannot bound.
      const custom = tasks.every((task) => DEPENDENCIES_TASK.test(task) || DOWNLOAD_TASK.test(task)) && tasks.find((task) => !DEPENDENCIES_TASK.test(task));
      return custom ? { skip: `\`${custom}\` is not Gradle's built-in dependencies task; the build defines it, and it may depend on tasks that read the sources` } : null;
    }
    const variable = args.find((word) => word.includes('$') || word.includes('`'));
    if (variable) return { skip: `the Gradle command uses a variable (${variable})` };
    if (pathProperty) return { skip: `the property ${pathProperty} names a path, which a script may read or write` };
    const options: Options = { wrapper: words[0] === './gradlew' };
    return {
      ecosystem: 'gradle',
      display: words.join(' '),
      plan: (directory) => planGradle(directory, options),
      // Without a settings file of its own, Gradle looks for one in the folders above.
      ancestorFiles: ['settings.gradle', 'settings.gradle.kts'],
    };
  },
};

const SCRIPT_NAMES = ['build.gradle', 'build.gradle.kts'];
const SETTINGS_NAMES = ['settings.gradle', 'settings.gradle.kts'];
const PROPERTY_NAMES = ['gradle.properties', 'local.properties'];

function planGradle(directory: InstallDirectory, options: Options): InstallPlan {
  const reads: string[] = [];
  const readFile = (file: string): string | null | { skip: string } => {
    const text = directory.readText(file);
    if (text === null) {
      const bad = unreadable(directory, file);
      return bad ? { skip: bad } : null;
    }
    reads.push(file);
    return text;
  };
  if (![...SETTINGS_NAMES, ...SCRIPT_NAMES].some((file) => directory.isSent(file))) {
    return { skip: 'the build context has no settings.gradle(.kts) or build.gradle(.kts) where Gradle runs' };
  }
  if (directory.isSent('buildSrc')) return { skip: 'buildSrc/ holds plugin code that Gradle compiles and runs while configuring the build, and it may read any file' };
  if (options.wrapper) {
    if (!directory.isSent('gradlew')) return { skip: 'the build context has no gradlew' };
    reads.push('gradlew');
    const wrapperReason = distributionReason(directory, 'gradle/wrapper/gradle-wrapper.properties');
    if (wrapperReason) return { skip: wrapperReason };
  }
  if (directory.isSentDirectory('gradle')) {
    const files = directory.sentUnder('gradle');
    if (files === 'too-many') return { skip: 'too many files under gradle/' };
    reads.push(...files);
  }
  const catalog = readCatalogPlugins(directory);
  if (typeof catalog === 'string') return { skip: catalog };

  const scripts: { file: string; text: string }[] = [];
  for (const file of SETTINGS_NAMES) {
    const text = readFile(file);
    if (text !== null && typeof text === 'object') return text;
    if (text !== null) scripts.push({ file, text: stripScriptComments(text) });
  }
  const projects = new Set<string>();
  for (const { file, text } of scripts) {
    const included = includedProjects(text, file);
    if (typeof included === 'string') return { skip: included };
    for (const project of included) projects.add(project);
  }
  for (const folder of ['', ...projects]) {
    for (const name of [...SCRIPT_NAMES, ...PROPERTY_NAMES]) {
      const file = path.posix.join(folder, name);
      const text = readFile(file);
      if (text !== null && typeof text === 'object') return text;
      if (text === null) continue;
      if (name.startsWith('build.')) scripts.push({ file, text: stripScriptComments(text) });
      else if (name === 'gradle.properties') {
        const moved = /^\s*(?:systemProp\.)?([\w.-]*(?:projectcachedir|user\.home)[\w.-]*)\s*[=:]/im.exec(text);
        if (moved) return { skip: `${file} sets ${moved[1]}, which moves where Gradle writes` };
      }
    }
  }
  for (const folder of projects) {
    if (directory.isSentDirectory(folder) && !reads.some((file) => file.startsWith(`${folder}/`))) {
      return { skip: `the project folder ${folder} has no build script or properties file, so it would not exist yet before the install` };
    }
  }
  for (const { file, text } of scripts) {
    const risky = RISKY.exec(text);
    if (risky) return { skip: `${file} uses \`${risky[0].trim()}\`, so evaluating it may read files or run commands dockeropt cannot follow` };
    const plugin = unknownPlugin(text, file, catalog);
    if (plugin) return { skip: plugin };
  }
  const writes = ['.gradle', '.kotlin', 'build', ...[...projects].map((folder) => `${folder}/build`)];
  return { reads: [...new Set(reads)], writes };
}

/** Project folders the settings script includes (`include(":app", "lib:core")` → app, lib, lib/core). */
function includedProjects(text: string, file: string): string[] | string {
  const projects: string[] = [];
  for (const match of text.matchAll(/\binclude\b(\s*\()?/g)) {
    const item = /\s*(["'])([^"'$]*)\1\s*(,\s*)?/y;
    item.lastIndex = match.index! + match[0].length;
    let count = 0;
    let last = item.lastIndex;
    for (let found = item.exec(text); found; found = item.exec(text)) {
      count++;
      last = item.lastIndex;
      const segments = found[2]!.replace(/^:/, '').split(':');
      if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('/'))) {
        return `${file} includes the project ${found[2]}, which dockeropt cannot place`;
      }
      for (let i = 1; i <= segments.length; i++) projects.push(segments.slice(0, i).join('/'));
      if (!found[3]) break;
    }
    const closed = match[1] ? /^\s*\)/.test(text.slice(last)) : /^[ \t]*(\r?\n|;|$)/.test(text.slice(last));
    if (count === 0 || !closed) return `${file} includes projects through an expression dockeropt cannot read`;
  }
  return [...new Set(projects)];
}

/** The plugin ids of the version catalog (`[plugins]` of gradle/libs.versions.toml), by accessor. */
function readCatalogPlugins(directory: InstallDirectory): Map<string, string> | string {
  const plugins = new Map<string, string>();
  const text = directory.readText('gradle/libs.versions.toml');
  if (text === null) return plugins;
  const entries = tomlEntries(text, 'gradle/libs.versions.toml');
  if (typeof entries === 'string') return entries;
  for (const entry of entries.filter((e) => e.table === 'plugins')) {
    const id = tomlString(entry.value)?.split(':')[0] ?? tomlString(tomlInlineTable(entry.value)?.get('id') ?? '');
    if (id) plugins.set(entry.key.replace(/[-_]/g, '.'), id);
  }
  return plugins;
}

/** Why a plugin the script applies may read project files, if one may. */
function unknownPlugin(text: string, file: string, catalog: Map<string, string>): string | null {
  const ids: string[] = [];
  for (const block of pluginsBlocks(text)) {
    if (block === null) return `${file} has a plugins block dockeropt cannot read`;
    for (const raw of block.split(/[\n;]/)) {
      const statement = raw.trim();
      if (statement === '') continue;
      const id = pluginId(statement, catalog);
      if (id === null) return `${file} applies a plugin dockeropt cannot read: ${statement}`;
      ids.push(id);
    }
  }
  // `apply plugin: 'x'`, `apply(plugin = "x")`; not `id(…) apply false` nor Kotlin's `.apply { … }`.
  for (const apply of text.matchAll(/(?<!\.)\bapply\b(?!\s*\(?\s*(?:false|true)\b)\s*(\(|\{)?\s*(plugin\b)?\s*(?:[:=]|\()?\s*(?:(["'])([^"']+)\3)?/g)) {
    if (!apply[2] || !apply[4]) return `${file} applies a plugin in a way dockeropt cannot read`;
    ids.push(apply[4]);
  }
  const unknown = ids.find((id) => !KNOWN_PLUGINS.has(id));
  return unknown ? `${file} applies the plugin ${unknown}, whose code runs while the build is configured and may read project files` : null;
}

/** The bodies of `plugins { … }` blocks (null for one whose braces do not close). */
function pluginsBlocks(text: string): (string | null)[] {
  const blocks: (string | null)[] = [];
  for (const match of text.matchAll(/\bplugins\s*\{/g)) {
    let depth = 1;
    let i = match.index! + match[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    blocks.push(depth === 0 ? text.slice(match.index! + match[0].length, i - 1) : null);
  }
  return blocks;
}

/** The plugin id of one statement of a plugins block, or null when it is not a plain declaration. */
function pluginId(statement: string, catalog: Map<string, string>): string | null {
  const forms: [RegExp, (m: RegExpExecArray) => string | undefined][] = [
    [/^id\s*\(?\s*(["'])([\w.-]+)\1\s*\)?/, (m) => m[2]],
    [/^kotlin\s*\(\s*"([\w.-]+)"\s*\)/, (m) => `org.jetbrains.kotlin.${m[1]}`],
    [/^`([\w-]+)`/, (m) => m[1]],
    [/^alias\s*\(\s*libs\.plugins\.([\w.]+)\s*\)/, (m) => catalog.get(m[1]!)],
    [/^([a-z][\w-]*)(?=\s|$)/, (m) => (m[1] === 'id' || m[1] === 'alias' || m[1] === 'kotlin' ? undefined : m[1])],
  ];
  for (const [pattern, id] of forms) {
    const match = pattern.exec(statement);
    if (!match) continue;
    const rest = statement.slice(match[0].length);
    // Only `version "…"`, `version libs.versions.x`, `apply false` may follow.
    if (!/^(\s+|version|apply|false|true|["'][^"'$]*["']|[()=]|libs\.versions\.[\w.]+(\.get\(\))?)*$/.test(rest)) return null;
    return id(match) ?? null;
  }
  return null;
}

/** A Groovy or Kotlin script without its `//` and `/* … *\/` comments (strings kept). */
export function stripScriptComments(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (quote) {
      if (quote.length === 3 && text.startsWith(quote, i)) {
        out += quote;
        i += 3;
        quote = null;
      } else if (quote.length === 1 && char === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else {
        if (quote.length === 1 && (char === quote || char === '\n')) quote = null;
        out += char;
        i++;
      }
      continue;
    }
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      quote = text.slice(i, i + 3);
      out += quote;
      i += 3;
    } else if (char === '"' || char === "'") {
      quote = char;
      out += char;
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const comment = text.slice(i, end < 0 ? text.length : end + 2);
      out += comment.replace(/[^\n]/g, ' ');
      i += comment.length;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}
