/**
 * .NET projects: `dotnet restore` of the folder's one project, or of a solution whose projects
 * have a `<ProjectReference>`, with Directory.Build.props (rarely with an `<Import>`), NuGet.config
 * (rarely with a local package source), global.json, obj/ or bin/ sent or ignored, a
 * Directory.Build.props in the folder above, and `dotnet publish` after it.
 */
import fc from 'fast-check';
import { ignoreArb, middleArb, oneIn, parentArb, parentFiles, weighted, type EcosystemScenarios, type Files } from './common.js';

const GUID = '{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}';

function csproj(sdk: string, packages: readonly string[], references: readonly string[] = []): string {
  const items = [
    ...packages.map((p) => { const [id, version] = p.split('@'); return `    <PackageReference Include="${id}" Version="${version}" />`; }),
    ...references.map((r) => `    <ProjectReference Include="${r}" />`),
  ];
  return [
    `<Project Sdk="${sdk}">`,
    '  <PropertyGroup>',
    '    <TargetFramework>net8.0</TargetFramework>',
    '  </PropertyGroup>',
    ...(items.length ? ['  <ItemGroup>', ...items, '  </ItemGroup>'] : []),
    '</Project>',
    '',
  ].join('\n');
}

const solution = (projects: readonly [string, string][]): string =>
  [
    'Microsoft Visual Studio Solution File, Format Version 12.00',
    ...projects.flatMap(([name, file], i) => [`Project("${GUID}") = "${name}", "${file}", "{00000000-0000-0000-0000-00000000000${i}}"`, 'EndProject']),
    'Global',
    'EndGlobal',
    '',
  ].join('\r\n');

export const dotnet: EcosystemScenarios = {
  ecosystem: 'dotnet',
  base: 'mcr.microsoft.com/dotnet/sdk:8.0',
  cmd: ['dotnet', '/out/Api.dll'],
  project: fc
    .record({
      middle: middleArb(['ENV DOTNET_CLI_TELEMETRY_OPTOUT=1'], ['ENV NUGET_PACKAGES=/root/.nuget/packages']),
      shape: weighted(['project', 2], ['solution', 2]),
      namedEntry: fc.boolean(),
      flags: fc.constantFrom('', ' --disable-parallel', ' -p:Configuration=Release'),
      sdk: fc.constantFrom('Microsoft.NET.Sdk.Web', 'Microsoft.NET.Sdk'),
      packages: fc.subarray(['Serilog@3.1.1', 'Newtonsoft.Json@13.0.3', 'Dapper@2.1.28'], { minLength: 1 }),
      props: weighted<string | null>([null, 3], ['plain', 3], ['import', 1]),
      nuget: weighted<string | null>([null, 3], ['remote', 2], ['local', 1]),
      globalJson: oneIn(4),
      objSent: oneIn(3),
      binSent: oneIn(4),
      ignore: ignoreArb(['obj', 'bin', '**/obj', '**/bin', '*.md', '.git'], ['*.csproj', 'Directory.Build.props']),
      then: fc.constantFrom(null, 'dotnet publish -c Release -o /out', 'dotnet publish -c Release -o /out --no-restore', 'dotnet build'),
      parent: parentArb,
    })
    .map((s) => {
      const files: Files = { 'README.md': '# app\n' };
      let entry: string;
      let projectDirs: string[];
      if (s.shape === 'project') {
        entry = 'Api.csproj';
        projectDirs = [''];
        files['Api.csproj'] = csproj(s.sdk, s.packages);
        files['Program.cs'] = 'class Program { static void Main() {} }\n';
      } else {
        entry = 'App.sln';
        projectDirs = ['src/Api/', 'src/Lib/'];
        files['App.sln'] = solution([['Api', 'src\\Api\\Api.csproj'], ['Lib', 'src\\Lib\\Lib.csproj']]);
        files['src/Api/Api.csproj'] = csproj(s.sdk, s.packages, ['..\\Lib\\Lib.csproj']);
        files['src/Api/Program.cs'] = 'class Program { static void Main() {} }\n';
        files['src/Lib/Lib.csproj'] = csproj('Microsoft.NET.Sdk', ['Dapper@2.1.28']);
        files['src/Lib/Store.cs'] = 'class Store {}\n';
      }
      if (s.props) {
        const body = s.props === 'import' ? '  <Import Project="build/common.props" />\n' : '  <PropertyGroup>\n    <Nullable>enable</Nullable>\n    <LangVersion>latest</LangVersion>\n  </PropertyGroup>\n';
        files['Directory.Build.props'] = `<Project>\n${body}</Project>\n`;
        if (s.props === 'import') files['build/common.props'] = '<Project>\n  <PropertyGroup>\n    <Nullable>enable</Nullable>\n  </PropertyGroup>\n</Project>\n';
      }
      if (s.nuget) {
        const source = s.nuget === 'local' ? '<add key="local" value="./packages" />' : '<add key="mirror" value="https://nuget.example.com/v3/index.json" />';
        files['NuGet.config'] = `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    ${source}\n  </packageSources>\n</configuration>\n`;
        if (s.nuget === 'local') files['packages/.keep'] = '\n';
      }
      if (s.globalJson) files['global.json'] = '{\n  "sdk": {\n    "version": "8.0.204",\n    "rollForward": "latestFeature"\n  }\n}\n';
      if (s.objSent) files[`${projectDirs[0]}obj/project.assets.json`] = '{"version": 3, "stale": true}\n';
      if (s.binSent) files[`${projectDirs[0]}bin/Debug/net8.0/Api.dll`] = 'stale dll\n';
      const parentProps = { 'Directory.Build.props': '<Project>\n  <PropertyGroup>\n    <Deterministic>true</Deterministic>\n  </PropertyGroup>\n</Project>\n' };
      return {
        files,
        ignore: s.ignore,
        parent: parentFiles(s.parent, parentProps),
        middle: s.middle,
        install: `dotnet restore${s.namedEntry ? ` ${entry}` : ''}${s.flags}`,
        then: s.then,
      };
    }),
};
