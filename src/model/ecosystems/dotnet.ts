/**
 * .NET: `dotnet restore [PROJECT|SOLUTION|FOLDER]` (with --locked-mode, --use-lock-file, -r, -s URL,
 * --configfile, --packages, -p:Configuration=…, …).
 *
 * Without an argument MSBuild picks the one solution or project file of the folder (MSB1011 when
 * that is ambiguous): every top-level *.sln, *.slnx and *.*proj is read, so the choice is the same
 * after the split. Restore evaluates each project of the solution and, transitively, every
 * `<ProjectReference>`; evaluating a project reads it, `<project>.user` (Microsoft.Common.targets
 * imports it), and the Directory.Build.props, Directory.Build.targets and Directory.Packages.props
 * MSBuild and NuGet find by walking up from the project's folder. NuGet merges every NuGet.Config /
 * nuget.config / NuGet.config from the folder of the solution or project up to the root, the dotnet
 * host reads global.json upwards from where it runs, and a solution build imports
 * Directory.Solution.props/.targets and before./after.<solution>.targets. Restore also looks for
 * packages.config, project.json and packages.lock.json (or `packages.<project>.*` variants) beside
 * each project. All these, where the context sends them, are read; the same names in the folders
 * above the install folder are ancestorFiles.
 *
 * Writes: obj/ in each project's folder (project.assets.json, *.nuget.g.props/targets,
 * project.nuget.cache, the dgspec), packages.lock.json when lock files are on, and the global
 * packages folder (~/.nuget/packages, outside; `--packages DIR` when relative).
 *
 * The SDK's default item globs (Compile **\/*.cs, …) are evaluated but no restore output depends on
 * them. Skipped, because MSBuild would then read or run more: any `<Import>` (brief and safe beats
 * guessing which file it names) and `<Sdk>` element, an SDK other than Microsoft.NET.Sdk(.Web,
 * .Worker, .Razor, .BlazorWebAssembly), a `<Target>` hooked to anything but build or publish targets
 * (restore may run it), conditions with Exists() or item lists, property functions that touch the
 * file system, properties that move obj/ or NuGet's inputs and outputs (BaseIntermediateOutputPath,
 * RestorePackagesPath, RestoreSources, ArtifactsPath, DirectoryBuildPropsPath, Custom*Import…), a
 * ProjectReference with wildcards or properties or outside the folder, local package sources,
 * globalPackagesFolder/repositoryPath in NuGet.Config, global.json `sdk.paths`, a
 * Directory.Build.rsp, solution filters (.slnf), and an existing packages.lock.json without
 * --locked-mode (restore may rewrite it; the later COPY would put the old one back).
 *
 * Not inserted: when only `dotnet publish` (or build) restores, dockeropt does not add a
 * `dotnet restore` step before it. publish restores with its own global properties
 * (`_IsPublishing`, the Release configuration by default since .NET 8, `-r`), so a separate restore
 * may resolve a different graph and download other packages into ~/.nuget/packages, and every
 * extra dotnet run leaves its own NuGet http-cache, scratch and MSBuild temp files: the image could
 * not be shown identical.
 */
import path from 'node:path';
import { parseWords, unreadable, type Ecosystem, type InstallDirectory, type InstallPlan } from './types.js';
import { descendants, elementsAt, localName, parseXml, type XmlElement } from './xml-text.js';

const FLAGS = {
  boolean: [
    '--disable-parallel', '--force', '--force-evaluate', '--ignore-failed-sources', '--no-cache', '--no-http-cache',
    '--no-dependencies', '--interactive', '--locked-mode', '--use-lock-file', '--disable-build-servers', '--use-current-runtime', '--ucr',
  ],
  valued: ['-s', '--source', '--packages', '--configfile', '-r', '--runtime', '-v', '--verbosity', '-a', '--arch', '--os'],
};
/** MSBuild properties a `-p:` on the command line may set here: they select, they move nothing. */
const HARMLESS_PROPERTIES = new Set(['configuration', 'runtimeidentifier', 'platform', 'targetframework']);
const KNOWN_SDKS = new Set(['Microsoft.NET.Sdk', 'Microsoft.NET.Sdk.Web', 'Microsoft.NET.Sdk.Worker', 'Microsoft.NET.Sdk.Razor', 'Microsoft.NET.Sdk.BlazorWebAssembly']);
/** Properties that move what restore reads or writes, or import more files. */
const MOVING_PROPERTIES = new Set([
  'BaseIntermediateOutputPath', 'MSBuildProjectExtensionsPath', 'RestoreOutputPath', 'RestorePackagesPath', 'RestoreConfigFile',
  'NuGetLockFilePath', 'RestoreSources', 'RestoreAdditionalProjectSources', 'RestoreFallbackFolders', 'RestoreAdditionalProjectFallbackFolders',
  'ArtifactsPath', 'UseArtifactsOutput', 'DirectoryBuildPropsPath', 'DirectoryBuildTargetsPath', 'DirectoryPackagesPropsPath',
  'CustomBeforeMicrosoftCommonProps', 'CustomAfterMicrosoftCommonProps', 'CustomBeforeMicrosoftCommonTargets', 'CustomAfterMicrosoftCommonTargets',
  'CustomBeforeDirectoryBuildProps', 'CustomAfterDirectoryBuildProps', 'CustomBeforeDirectoryBuildTargets', 'CustomAfterDirectoryBuildTargets',
  'MSBuildUserExtensionsPath', 'ForceImportBeforeCppTargets', 'ForceImportAfterCppTargets',
]);
/** Targets restore never runs: a `<Target>` named or hooked only to these is left alone. */
const BUILD_TARGETS = new Set([
  'Build', 'BeforeBuild', 'AfterBuild', 'CoreBuild', 'Rebuild', 'Clean', 'Compile', 'CoreCompile', 'BeforeCompile', 'AfterCompile',
  'Publish', 'BeforePublish', 'AfterPublish', 'PrepareForPublish', 'ComputeFilesToPublish', 'CopyFilesToOutputDirectory', 'Pack',
  'Test', 'VSTest', 'PrepareForBuild', 'ResolveReferences', 'GenerateBuildDependencyFile', 'PostBuildEvent', 'PreBuildEvent',
]);
/** Conditions and property functions that look at the file system or at items (globs). */
const FILE_FUNCTION = /\bExists\s*\(|System\.IO|GetPathOfFileAbove|GetDirectoryNameOfFileAbove|ReadAllText|ReadLinesFromFile|@\(/i;
/** Target names restore uses or that look like its internals: a target by such a name may replace one. */
const RESTORE_LIKE = /restore|nuget|collect|assets|^_/i;
const PROJECT_FILE = /\.[A-Za-z]*proj$/;
const ENTRY_FILE = /\.(sln|slnx|slnf|[A-Za-z]*proj)$/;
const FOLDER_FILES = ['Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'NuGet.Config', 'nuget.config', 'NuGet.config', 'global.json'];
const SOLUTION_FOLDER_FILES = ['Directory.Solution.props', 'Directory.Solution.targets'];

interface Options {
  target: string | null;
  locked: boolean;
  useLockFile: boolean;
  configFile: string | null;
  packages: string | null;
}

export const dotnet: Ecosystem = {
  id: 'dotnet',
  match(words) {
    if (words[0] !== 'dotnet' || words[1] !== 'restore') return null;
    const args = words.slice(2);
    const variable = args.find((word) => word.includes('$') || word.includes('`'));
    if (variable) return { skip: `the dotnet command uses a variable (${variable})` };
    const rest: string[] = [];
    for (const word of args) {
      const property = /^(?:-p:|\/p:|--property:|-property:)(.*)$/i.exec(word);
      if (!property) {
        rest.push(word);
        continue;
      }
      for (const assignment of property[1]!.split(';')) {
        const name = assignment.split('=')[0]!.trim().toLowerCase();
        if (!HARMLESS_PROPERTIES.has(name)) return { skip: `the MSBuild property ${assignment.split('=')[0]} may move what restore reads or writes` };
      }
    }
    const { flags, positionals, unknown } = parseWords(rest, FLAGS);
    if (unknown.length > 0) return { skip: `dotnet restore flag ${unknown[0]} is not known to be safe to split` };
    if (positionals.length > 1) return { skip: `\`dotnet restore\` takes one project or solution (${positionals.join(' ')})` };
    const sources = [...(flags.get('-s') ?? []), ...(flags.get('--source') ?? [])];
    const local = sources.find((source) => !/^https?:\/\//.test(source));
    if (local) return { skip: `the package source ${local} is a local folder` };
    const paths = [...positionals, ...(flags.get('--configfile') ?? []), ...(flags.get('--packages') ?? [])];
    const outside = paths.find((file) => { const normal = path.posix.normalize(file.replace(/\\/g, '/')); return normal.startsWith('/') || normal.startsWith('..') || normal.startsWith('~'); });
    if (outside) return { skip: `${outside} is an absolute path or leaves the folder, so dockeropt cannot tell whether it is among the copied files` };
    const options: Options = {
      target: positionals[0] ? path.posix.normalize(positionals[0].replace(/\\/g, '/')).replace(/\/$/, '') : null,
      locked: flags.has('--locked-mode'),
      useLockFile: flags.has('--use-lock-file'),
      configFile: flags.get('--configfile')?.at(-1) ?? null,
      packages: flags.get('--packages')?.at(-1) ?? null,
    };
    return {
      ecosystem: 'dotnet',
      display: words.join(' '),
      plan: (directory) => planRestore(directory, options),
      ancestorFiles: [...FOLDER_FILES, ...SOLUTION_FOLDER_FILES, 'Directory.Build.rsp'],
    };
  },
};

interface Restore {
  directory: InstallDirectory;
  reads: Set<string>;
  writes: Set<string>;
  /** MSBuild files already checked. */
  checked: Set<string>;
  lockFiles: boolean;
  lockedMode: boolean;
}

function planRestore(directory: InstallDirectory, options: Options): InstallPlan {
  const restore: Restore = { directory, reads: new Set(), writes: new Set(), checked: new Set(), lockFiles: options.useLockFile, lockedMode: options.locked };
  const entries = entryFiles(directory, options.target);
  if (typeof entries === 'string') return { skip: entries };

  const projects: string[] = [];
  for (const entry of entries) {
    const text = directory.readText(entry);
    if (text === null) return { skip: unreadable(directory, entry) ?? `${entry} is not in the build context` };
    restore.reads.add(entry);
    if (entry.endsWith('.slnf')) return { skip: `${entry} is a solution filter, which dockeropt does not read` };
    if (entry.endsWith('.sln') || entry.endsWith('.slnx')) {
      const listed = solutionProjects(text, entry);
      if (typeof listed === 'string') return { skip: listed };
      projects.push(...listed);
      const folder = folderOf(entry);
      const name = path.posix.basename(entry);
      for (const file of [...SOLUTION_FOLDER_FILES.map((f) => path.posix.join(folder, f)), path.posix.join(folder, `before.${name}.targets`), path.posix.join(folder, `after.${name}.targets`)]) {
        const reason = readMsbuild(restore, file, 'props');
        if (reason) return { skip: reason };
      }
      const reason = readFolderFiles(restore, folder);
      if (reason) return { skip: reason };
    } else {
      projects.push(entry);
    }
  }

  const seen = new Set<string>();
  while (projects.length > 0) {
    const project = projects.shift()!;
    if (seen.has(project)) continue;
    seen.add(project);
    const result = readProject(restore, project);
    if (typeof result === 'string') return { skip: result };
    projects.push(...result);
  }
  if (options.configFile) {
    const reason = readNugetConfig(restore, path.posix.normalize(options.configFile), true);
    if (reason) return { skip: reason };
  }
  // Whether lock files are on is known only once every MSBuild file is read.
  for (const project of seen) {
    const reason = lockFileReason(restore, project);
    if (reason) return { skip: reason };
  }
  if (options.packages) restore.writes.add(path.posix.normalize(options.packages));
  return { reads: [...restore.reads], writes: [...restore.writes] };
}

function folderOf(file: string): string {
  return path.posix.dirname(file).replace(/^\.$/, '');
}

/** The solution or project files restore starts from. */
function entryFiles(directory: InstallDirectory, target: string | null): string[] | string {
  if (target !== null && !directory.isSentDirectory(target)) {
    return directory.isSent(target) ? [target] : `${target} is not in the build context`;
  }
  const folder = target ?? '';
  const listing = directory.sentUnder(folder);
  if (listing === 'too-many') return 'too many files in the build context to find the project or solution file';
  const candidates = listing.filter((file) => folderOf(file) === folder && ENTRY_FILE.test(file));
  return candidates.length > 0 ? candidates : `the build context has no project or solution file in ${folder || 'the install folder'}`;
}

/** The project paths a .sln or .slnx lists (solution folders left out). */
function solutionProjects(text: string, file: string): string[] | string {
  const folder = folderOf(file);
  let listed: string[];
  if (file.endsWith('.slnx')) {
    const xml = parseXml(text, file);
    if (typeof xml === 'string') return xml;
    listed = descendants(xml).filter((e) => localName(e) === 'Project').map((e) => e.attributes.get('Path') ?? '');
  } else {
    listed = [...text.matchAll(/^\s*Project\("[^"]*"\)\s*=\s*"[^"]*"\s*,\s*"([^"]*)"/gm)].map((m) => m[1]!);
  }
  const projects: string[] = [];
  for (const raw of listed.filter((entry) => PROJECT_FILE.test(entry))) {
    const project = inside(folder, raw);
    if (project === null) return `${file} lists the project ${raw}, outside the folder or through a property`;
    projects.push(project);
  }
  return projects;
}

/** `folder/relative` with `\` as `/`, or null when it leaves the folder or uses properties or wildcards. */
function inside(folder: string, relative: string): string | null {
  if (/[$*?%@]/.test(relative)) return null;
  const joined = path.posix.normalize(path.posix.join(folder || '.', relative.replace(/\\/g, '/')));
  return joined.startsWith('..') || joined.startsWith('/') ? null : joined;
}

/** Reads a project, its companions and the folder files above it; returns the projects it references. */
function readProject(restore: Restore, project: string): string[] | string {
  const { directory } = restore;
  const text = directory.readText(project);
  if (text === null) return unreadable(directory, project) ?? `the project ${project} is not in the build context`;
  restore.reads.add(project);
  const xml = parseXml(text, project);
  if (typeof xml === 'string') return xml;
  if (localName(xml) !== 'Project') return `${project} is not an MSBuild project`;
  const sdks = (xml.attributes.get('Sdk') ?? '').split(';').map((sdk) => sdk.trim()).filter((sdk) => sdk !== '');
  if (sdks.length === 0) return `${project} is not an SDK-style project, so restore imports targets dockeropt does not read`;
  const unknownSdk = sdks.find((sdk) => !KNOWN_SDKS.has(sdk));
  if (unknownSdk) return `${project} uses the MSBuild SDK ${unknownSdk}, whose targets dockeropt does not know`;
  const reason = msbuildReason(restore, xml, project, true);
  if (reason) return reason;

  const folder = folderOf(project);
  const name = path.posix.basename(project).replace(PROJECT_FILE, '');
  const userFile = `${project}.user`;
  const userReason = readMsbuild(restore, userFile, 'project');
  if (userReason) return userReason;
  for (const companion of ['packages.config', `packages.${name}.config`, 'project.json', `${name}.project.json`]) {
    const file = path.posix.join(folder, companion);
    if (directory.isSent(file)) return `${file} makes this an old-style NuGet project, which dockeropt does not split`;
  }
  const folderReason = readFolderFiles(restore, folder);
  if (folderReason) return folderReason;
  restore.writes.add(path.posix.join(folder, 'obj'));

  const references: string[] = [];
  for (const reference of projectReferences(xml)) {
    for (const include of reference.split(';').map((item) => item.trim()).filter((item) => item !== '')) {
      const target = inside(folder, include);
      if (target === null) return `${project} references ${include}, through a wildcard or property, or outside the folder`;
      references.push(target);
    }
  }
  return references;
}

/** ProjectReference includes anywhere evaluation sees them (ItemGroups, also inside Choose/When). */
function projectReferences(xml: XmlElement): string[] {
  return evaluated(xml).filter((element) => localName(element) === 'ProjectReference').map((element) => element.attributes.get('Include') ?? '');
}

/**
 * The elements MSBuild evaluates: all but the bodies of targets and inline tasks, which run only
 * when a target that asks for them runs (a Target's own attributes are kept).
 */
function evaluated(element: XmlElement): XmlElement[] {
  return localName(element) === 'Target' || localName(element) === 'UsingTask' ? [element] : [element, ...element.children.flatMap(evaluated)];
}

/** Reads the MSBuild, NuGet and SDK files in `folder` and every folder above it, up to the install folder. */
function readFolderFiles(restore: Restore, folder: string): string | null {
  for (let current = folder; ; current = folderOf(current)) {
    if (restore.directory.isSent(path.posix.join(current, 'Directory.Build.rsp'))) {
      return `${path.posix.join(current, 'Directory.Build.rsp')} adds MSBuild switches, which dockeropt does not read`;
    }
    for (const name of FOLDER_FILES) {
      const file = path.posix.join(current, name);
      const reason = name.endsWith('.json') ? readGlobalJson(restore, file) : /\.config$/i.test(name) ? readNugetConfig(restore, file, false) : readMsbuild(restore, file, 'props');
      if (reason) return reason;
    }
    if (current === '') return null;
  }
}

/** Reads and checks an MSBuild file the evaluation imports, if the context sends it. */
function readMsbuild(restore: Restore, file: string, kind: 'props' | 'project'): string | null {
  if (restore.checked.has(file)) return null;
  restore.checked.add(file);
  const text = restore.directory.readText(file);
  if (text === null) return unreadable(restore.directory, file);
  restore.reads.add(file);
  const xml = parseXml(text, file);
  if (typeof xml === 'string') return xml;
  if (localName(xml) !== 'Project') return `${file} is not an MSBuild file`;
  const reason = msbuildReason(restore, xml, file, kind === 'project');
  if (reason) return reason;
  if (kind === 'props' && projectReferences(xml).length > 0) return `${file} adds ProjectReferences, which resolve against each project's folder; dockeropt does not follow them`;
  return null;
}

/** Why evaluating or restoring with this MSBuild file may read more files or run code, if it may. */
function msbuildReason(restore: Restore, xml: XmlElement, file: string, isProject: boolean): string | null {
  for (const element of evaluated(xml)) {
    const name = localName(element);
    if (name === 'Import') return `${file} imports ${element.attributes.get('Project') ?? 'another file'}, which dockeropt does not follow`;
    if (name === 'Sdk' && element !== xml) return `${file} adds the MSBuild SDK ${element.attributes.get('Name') ?? ''}, whose targets dockeropt does not know`;
    if (name === 'Target') {
      const target = element.attributes.get('Name') ?? '';
      const hooks = ['BeforeTargets', 'AfterTargets'].flatMap((attribute) => (element.attributes.get(attribute) ?? '').split(';')).map((t) => t.trim()).filter((t) => t !== '');
      const other = hooks.find((hook) => !BUILD_TARGETS.has(hook));
      if (other !== undefined) return `${file} hooks the target ${target} to ${other}, which restore may run`;
      if (RESTORE_LIKE.test(target) || target === '') return `${file} defines the target ${target}, which may replace one restore runs`;
      continue;
    }
    if (name.endsWith('DependsOn') && !BUILD_TARGETS.has(name.slice(0, -'DependsOn'.length)) && element !== xml) {
      return `${file} sets ${name}, which may add targets to what restore runs`;
    }
    if (MOVING_PROPERTIES.has(name)) return `${file} sets ${name}, which moves what restore reads or writes`;
    if (name === 'RestorePackagesWithLockFile' && /^true$/i.test(element.text)) restore.lockFiles = true;
    if (name === 'RestoreLockedMode' && /^true$/i.test(element.text)) restore.lockedMode = true;
    for (const value of [element.text, ...element.attributes.values()]) {
      const risky = FILE_FUNCTION.exec(value);
      if (risky) return `${file} uses \`${risky[0]}\`, which depends on files dockeropt may not copy first`;
    }
  }
  if (!isProject && xml.attributes.has('Sdk')) return `${file} names an SDK, which dockeropt does not follow`;
  return null;
}

/** Lock-file state of one project: the file is read, written, or a reason to skip. */
function lockFileReason(restore: Restore, project: string): string | null {
  const folder = folderOf(project);
  const name = path.posix.basename(project).replace(PROJECT_FILE, '');
  const candidates = [`packages.${name}.lock.json`, 'packages.lock.json'].map((file) => path.posix.join(folder, file));
  const existing = candidates.find((file) => restore.directory.isSent(file));
  if (existing) {
    if (!restore.lockedMode) return `${existing} exists and restore without --locked-mode may rewrite it, which the later COPY would undo; add --locked-mode`;
    restore.reads.add(existing);
  } else if (restore.lockFiles) {
    restore.writes.add(candidates[1]!);
  }
  return null;
}

/** Reads a NuGet.Config (required: given with --configfile) and checks its sources and folders. */
function readNugetConfig(restore: Restore, file: string, required: boolean): string | null {
  if (restore.checked.has(file)) return null;
  restore.checked.add(file);
  const text = restore.directory.readText(file);
  if (text === null) return unreadable(restore.directory, file) ?? (required ? `${file} is not in the build context` : null);
  restore.reads.add(file);
  const xml = parseXml(text, file);
  if (typeof xml === 'string') return xml;
  for (const add of elementsAt(xml, ['packageSources', 'add'])) {
    const value = add.attributes.get('value') ?? '';
    if (!/^https?:\/\//i.test(value)) return `${file} has the local package source ${value}`;
  }
  for (const add of elementsAt(xml, ['config', 'add'])) {
    const key = (add.attributes.get('key') ?? '').toLowerCase();
    if (key === 'globalpackagesfolder' || key === 'repositorypath') return `${file} sets ${add.attributes.get('key')}, which moves where packages are written`;
  }
  if (elementsAt(xml, ['fallbackPackageFolders', 'add']).length > 0) return `${file} has fallback package folders, which are read from disk`;
  return null;
}

function readGlobalJson(restore: Restore, file: string): string | null {
  if (restore.checked.has(file)) return null;
  restore.checked.add(file);
  const text = restore.directory.readText(file);
  if (text === null) return unreadable(restore.directory, file);
  restore.reads.add(file);
  try {
    const json = JSON.parse(text.replace(/^\uFEFF/, '')) as { sdk?: { paths?: unknown } };
    if (json.sdk?.paths !== undefined) return `${file} sets sdk.paths, which may point at an SDK inside the folder`;
  } catch {
    return `${file} is not valid JSON`;
  }
  return null;
}
