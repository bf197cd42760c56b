/**
 * multi-stage on the real engines: for each ecosystem, the split image builds (BuildKit and
 * buildah), keeps what the CMD runs byte for byte at the same path, keeps the runtime config,
 * runs with the same output, and no longer holds the toolchain. The Go and Node cases are the
 * examples in examples/multi-stage/, whose sizes examples/README.md quotes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineGate, type Scenario } from '../engine/index.js';
import { checkRuntimeEquivalent, rewriteUnsafe, type RuntimeCase } from './runtime-equivalence.js';

const gate = engineGate();

/** An example folder as a scenario: its Dockerfile and every other file as the context. */
function example(dir: string): Scenario {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(dir, relative))) {
      const child = relative ? `${relative}/${name}` : name;
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else if (child !== 'Dockerfile') files[child] = readFileSync(path.join(dir, child), 'utf8');
    }
  };
  walk('');
  return { dockerfile: readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), files };
}

const EXAMPLES = path.resolve('examples/multi-stage');

const CASES: RuntimeCase[] = [
  {
    name: 'go (examples/multi-stage/go)',
    scenario: example(path.join(EXAMPLES, 'go')),
    artifacts: ['/out/server'],
    toolchain: ['/usr/local/bin/go', '/usr/local/go', '/go/pkg/mod', '/root/.cache/go-build', '/src/go.mod', '/src/cmd', '/usr/local/bin/gcc'],
  },
  {
    name: 'node (examples/multi-stage/node)',
    scenario: example(path.join(EXAMPLES, 'node')),
    artifacts: ['/app/dist', '/app/package.json', '/app/package-lock.json'],
    toolchain: ['/app/node_modules/typescript', '/app/src', '/usr/local/bin/gcc', '/usr/local/bin/git'],
  },
  {
    name: 'java (maven)',
    scenario: {
      dockerfile: [
        'FROM maven:3.9-eclipse-temurin-21',
        'WORKDIR /app',
        'COPY pom.xml .',
        'RUN mvn -B dependency:go-offline',
        'COPY src ./src',
        'RUN mvn -B package -DskipTests',
        'EXPOSE 8080',
        'ENTRYPOINT ["java", "-jar", "target/app-1.0.jar"]',
        '',
      ].join('\n'),
      files: {
        'pom.xml': [
          '<project>',
          '  <groupId>com.example</groupId>',
          '  <artifactId>app</artifactId>',
          '  <version>1.0</version>',
          '  <dependencies>',
          '    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.0.0-jre</version></dependency>',
          '  </dependencies>',
          '</project>',
          '',
        ].join('\n'),
        'src/main/java/App.java': 'public class App { public static void main(String[] a) {} }\n',
      },
    },
    artifacts: ['/app/target/app-1.0.jar'],
    toolchain: ['/usr/local/bin/mvn', '/usr/share/maven', '/root/.m2', '/app/src'],
  },
  {
    name: '.NET (dotnet publish)',
    scenario: {
      dockerfile: [
        'FROM mcr.microsoft.com/dotnet/sdk:8.0',
        'WORKDIR /src',
        'COPY Api.csproj ./',
        'RUN dotnet restore',
        'COPY . .',
        'RUN dotnet publish -c Release -o /app/publish --no-restore',
        'WORKDIR /app/publish',
        'ENV ASPNETCORE_URLS=http://+:8080',
        'EXPOSE 8080',
        'ENTRYPOINT ["dotnet", "Api.dll"]',
        '',
      ].join('\n'),
      files: {
        'Api.csproj':
          '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n' +
          '  <ItemGroup><PackageReference Include="Serilog" Version="3.1.1" /></ItemGroup>\n</Project>\n',
        'Program.cs': 'var app = WebApplication.Create(args); app.Run();\n',
      },
    },
    artifacts: ['/app/publish'],
    toolchain: ['/usr/share/dotnet/sdk', '/root/.nuget', '/src'],
  },
  {
    name: 'rust (cargo build --release)',
    scenario: {
      dockerfile: 'FROM rust:1.77\nWORKDIR /usr/src/app\nCOPY . .\nRUN cargo build --release --locked\nCMD ["./target/release/app"]\n',
      files: {
        'Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n',
        'Cargo.lock': 'version = 3\n\n[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\nname = "serde"\nversion = "1.0.197"\n',
        'src/main.rs': 'fn main() { println!("ok"); }\n',
      },
    },
    artifacts: ['/usr/src/app/target/release/app'],
    toolchain: ['/usr/local/bin/cargo', '/usr/local/cargo', '/usr/local/rustup', '/usr/src/app/src'],
  },
  {
    name: 'elixir (mix release)',
    scenario: {
      dockerfile: [
        'FROM elixir:1.16',
        'ENV MIX_ENV=prod',
        'WORKDIR /app',
        'RUN mix local.hex --force && mix local.rebar --force',
        'COPY mix.exs mix.lock ./',
        'RUN mix deps.get --only prod',
        'COPY . .',
        'RUN mix release',
        'CMD ["/app/_build/prod/rel/my_app/bin/my_app", "start"]',
        '',
      ].join('\n'),
      files: {
        'mix.exs': 'defmodule MyApp.MixProject do\n  use Mix.Project\n  def project, do: [app: :my_app, version: "0.1.0", deps: [{:jason, "~> 1.4"}]]\nend\n',
        'mix.lock': '%{"jason": {:hex, :jason, "1.4.1"}}\n',
        'lib/my_app.ex': 'defmodule MyApp do\nend\n',
      },
    },
    artifacts: ['/app/_build/prod/rel/my_app'],
    toolchain: ['/usr/local/bin/mix', '/root/.mix', '/app/deps', '/app/lib'],
  },
  {
    name: 'python (compilers only for wheels)',
    scenario: {
      dockerfile: [
        'FROM python:3.11',
        'RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*',
        'WORKDIR /app',
        'COPY requirements.txt .',
        'RUN pip install --no-cache-dir -r requirements.txt',
        'COPY . .',
        'EXPOSE 8000',
        'CMD ["python", "app.py"]',
        '',
      ].join('\n'),
      files: { 'requirements.txt': 'flask==3.0.3\npsycopg2==2.9.9\n', 'app.py': 'print("ok")\n' },
    },
    artifacts: ['/app/app.py', '/usr/local/lib/python3.11/site-packages/flask', '/usr/local/lib/python3.11/site-packages/psycopg2'],
    toolchain: ['/usr/bin/gcc', '/usr/local/bin/gcc', '/usr/share/doc/build-essential', '/usr/share/doc/libpq-dev'],
  },
];

describe.skipIf(gate.skip)('multi-stage on real engines (runtime-equivalent)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const report = await checkRuntimeEquivalent('multi-stage', c);
    expect(report.rewritten).toMatch(/ AS build\n[\s\S]*\nFROM \S+ AS runtime\n/);
    expect(report.after.files).toBeLessThan(report.before.files);
  });

  it('the check catches a split that forgets what the CMD runs, or changes it', async () => {
    const go = CASES[0]!;
    const good = await rewriteUnsafe('multi-stage', go.scenario);
    const forgotten = good.replace(/^COPY --from=build .*\n/m, '');
    expect(forgotten).not.toBe(good);
    await expect(checkRuntimeEquivalent('multi-stage', go, forgotten)).rejects.toThrow(/\/out\/server is the same in the rewrite/);
    const rebuilt = good.replace('AS runtime\n', 'AS runtime\nCOPY --from=build /src/go.mod /out/server\n').replace(/^COPY --from=build \/out\/server .*\n/m, '');
    await expect(checkRuntimeEquivalent('multi-stage', go, rebuilt)).rejects.toThrow(/is the same in the rewrite/);
  });
});
