// The package-manager stand-ins, run by a real engine: each one fails like the real tool when a
// file it needs is missing, writes where the real tool writes, and is deterministic (the same
// inputs give the same image on a rebuild and on the other engine).

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildScenario, compareImages, engineGate, type FsEntry, type Scenario } from './index.js';

const gate = engineGate(['buildkit', 'buildah'], 'stand-in tests');

/** A RUN step that passes only when `cmd` fails with `message` in its output. */
function fails(cmd: string, message: string): string {
  if (message.includes("'")) throw new Error('keep single quotes out of expected messages');
  return `RUN ! (${cmd}) > /tmp/.out 2>&1 && grep -qF '${message}' /tmp/.out && rm /tmp/.out`;
}

interface Case {
  tool: string;
  from: string;
  files: Record<string, string>;
  steps: string[];
  expect: Array<string | [string, Partial<FsEntry> | ((e: FsEntry) => boolean)]>;
  absent?: string[];
}

const npmFiles = {
  'package.json': JSON.stringify({
    name: 'web',
    workspaces: ['packages/*'],
    scripts: { postinstall: 'cat src/index.js > /dev/null && echo ok > .postinstall', build: 'cp src/index.js dist.js' },
    dependencies: { express: '^4.19.0' },
    devDependencies: { vitest: '^1.0.0' },
  }),
  'package-lock.json': '{"name": "web", "lockfileVersion": 3}',
  'packages/ui/package.json': '{"name": "@web/ui", "dependencies": {"react": "18"}}',
  'src/index.js': 'console.log(1);\n',
};

const pipfile = '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n[packages]\nflask = "*"\n\n[dev-packages]\npytest = "*"\n';
/** A Pipfile.lock whose _meta.hash.sha256 is that of `forPipfile` (the stand-in's model of Pipenv's hash). */
const pipfileLock = (forPipfile: string): string =>
  JSON.stringify({
    _meta: { hash: { sha256: createHash('sha256').update(forPipfile).digest('hex') }, 'pipfile-spec': 6 },
    default: { flask: { version: '==3.0.3' } },
    develop: { pytest: { version: '==8.2.0' } },
  });

const CASES: Case[] = [
  {
    tool: 'npm',
    from: 'node:20',
    files: npmFiles,
    steps: [
      'COPY package.json ./',
      fails('npm ci', 'can only install with an existing package-lock.json'),
      'COPY package-lock.json ./',
      'COPY packages packages',
      fails('npm ci', 'npm ERR! code ELIFECYCLE'),
      'RUN npm ci --ignore-scripts && test ! -e .postinstall',
      'COPY . .',
      'RUN npm ci --omit=dev && npm run build',
    ],
    expect: [
      '/app/node_modules/express/package.json',
      '/app/node_modules/react/package.json',
      ['/app/node_modules/@web/ui', { type: 'symlink', target: '../../packages/ui' }],
      ['/app/.postinstall', { text: 'ok\n' }],
      ['/app/dist.js', { text: 'console.log(1);\n' }],
      ['/root/.npm/_cacache/index-v5', { type: 'dir' }],
    ],
    absent: ['/app/node_modules/vitest'],
  },
  {
    tool: 'yarn',
    from: 'node:20',
    files: { ...npmFiles, 'yarn.lock': '# yarn lockfile v1\n' },
    steps: [
      'COPY package.json ./',
      'COPY packages packages',
      fails('yarn install --frozen-lockfile --ignore-scripts', 'Your lockfile needs to be updated'),
      'COPY yarn.lock ./',
      'RUN yarn install --frozen-lockfile --ignore-scripts',
    ],
    expect: ['/app/node_modules/express/package.json', ['/usr/local/share/.cache/yarn/v6', { type: 'dir' }]],
  },
  {
    tool: 'pnpm',
    from: 'node:20',
    files: {
      'package.json': '{"name": "p", "dependencies": {"lodash": "4"}}',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\npackages:\n  lodash@4.17.21:\n    resolution: {integrity: x}\n",
    },
    steps: [
      'COPY package.json ./',
      fails('pnpm install --frozen-lockfile', 'ERR_PNPM_NO_LOCKFILE'),
      'COPY pnpm-lock.yaml ./',
      fails('pnpm install --offline --frozen-lockfile', 'ERR_PNPM_NO_OFFLINE_TARBALL'),
      'RUN pnpm fetch && pnpm install --offline --frozen-lockfile',
    ],
    expect: ['/app/node_modules/lodash/package.json', '/app/node_modules/.modules.yaml', ['/root/.local/share/pnpm/store/v3/files', { type: 'dir' }]],
  },
  {
    tool: 'pip',
    from: 'python:3.11',
    files: {
      'requirements.txt': 'flask==3.0.0  # web\n-r reqs/base.txt\n',
      'reqs/base.txt': 'click\n-c constraints.txt\n',
      'reqs/constraints.txt': 'click==8.1.7\n',
      'pyproject.toml': '[project]\nname = "svc"\n',
      'svc/__init__.py': '',
    },
    steps: [
      'COPY requirements.txt ./',
      fails('pip install -r requirements.txt', 'Could not open requirements file'),
      'COPY reqs reqs',
      'RUN pip install -r requirements.txt',
      'COPY . .',
      'RUN pip install --no-cache-dir .',
    ],
    expect: [
      '/usr/local/lib/python3.11/site-packages/flask/__init__.py',
      '/usr/local/lib/python3.11/site-packages/click/__init__.py',
      '/usr/local/lib/python3.11/site-packages/svc/__init__.py',
      ['/root/.cache/pip/http-v2', { type: 'dir' }],
    ],
    absent: ['/root/.cache/pip/wheels'],
  },
  {
    tool: 'poetry',
    from: 'python:3.11',
    files: {
      'pyproject.toml': '[tool.poetry]\nname = "api"\n[tool.poetry.dependencies]\npython = "^3.11"\nfastapi = "*"\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n',
      'poetry.lock': '# lock\n',
      'api/__init__.py': '',
    },
    steps: [
      fails('poetry install --no-root', 'could not find a pyproject.toml'),
      'COPY pyproject.toml poetry.lock ./',
      'RUN poetry config virtualenvs.create false && poetry install --no-root --only main',
      fails('poetry install --only main', 'The current project could not be installed'),
      'COPY . .',
      'RUN poetry install --only main',
    ],
    expect: ['/usr/local/lib/python3.11/site-packages/fastapi/__init__.py', '/usr/local/lib/python3.11/site-packages/__editable__.api-0.0.0.pth'],
    absent: ['/usr/local/lib/python3.11/site-packages/pytest'],
  },
  {
    tool: 'uv',
    from: 'python:3.11',
    files: {
      'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["httpx>=0.27"]\n[dependency-groups]\ndev = ["pytest"]\n',
      'uv.lock': 'version = 1\n',
    },
    steps: [
      'COPY pyproject.toml ./',
      fails('uv sync --locked', 'Unable to find lockfile'),
      'COPY uv.lock ./',
      'RUN uv sync --locked --no-install-project --no-dev',
    ],
    expect: ['/app/.venv/lib/python3.11/site-packages/httpx/__init__.py', ['/root/.cache/uv/archive-v0', { type: 'dir' }]],
    absent: ['/app/.venv/lib/python3.11/site-packages/pytest'],
  },
  {
    tool: 'bun',
    from: 'oven/bun:1',
    files: {
      ...npmFiles,
      'bun.lock': '{\n  "lockfileVersion": 1,\n  "packages": {\n    "express": [],\n    "react": [],\n    "vitest": [],\n  }\n}\n',
    },
    steps: [
      fails('bun install --frozen-lockfile', 'could not find a package.json'),
      'COPY package.json ./',
      fails('bun install --frozen-lockfile', 'lockfile had changes, but lockfile is frozen'),
      'COPY bun.lock ./',
      // bun runs the root project's own postinstall (not its dependencies'): it reads src/.
      fails('bun install --frozen-lockfile', 'script "postinstall" failed'),
      'COPY packages packages',
      'RUN bun install --frozen-lockfile --ignore-scripts --production && test ! -e .postinstall',
      'COPY . .',
      'RUN bun install --frozen-lockfile && bun run build',
    ],
    expect: [
      '/app/node_modules/express/package.json',
      '/app/node_modules/react/package.json',
      '/app/node_modules/vitest/package.json',
      ['/app/node_modules/@web/ui', { type: 'symlink', target: '../../packages/ui' }],
      ['/app/.postinstall', { text: 'ok\n' }],
      ['/app/dist.js', { text: 'console.log(1);\n' }],
      ['/root/.bun/install/cache', { type: 'dir' }],
    ],
    absent: ['/usr/local/bin/npm', '/app/node_modules/.package-lock.json'],
  },
  {
    tool: 'pipenv',
    from: 'python:3.11',
    files: {
      Pipfile: pipfile,
      'Pipfile.lock': pipfileLock(pipfile),
      'stale/Pipfile': pipfile.replace('flask', 'django'),
      'stale/Pipfile.lock': pipfileLock(pipfile),
      'app/main.py': 'print(1)\n',
    },
    steps: [
      fails('pipenv install --deploy --system', 'Pipfile not found'),
      'COPY Pipfile ./',
      fails('pipenv sync', 'Pipfile.lock not found'),
      'COPY stale stale',
      fails('cd stale && pipenv install --deploy --system', 'is out of date'),
      'COPY Pipfile.lock ./',
      'RUN pipenv install --deploy --system',
      'ENV PIPENV_VENV_IN_PROJECT=1',
      'RUN pipenv sync --dev',
    ],
    expect: [
      '/usr/local/lib/python3.11/site-packages/flask/__init__.py',
      '/app/.venv/pyvenv.cfg',
      '/app/.venv/lib/python3.11/site-packages/flask/__init__.py',
      '/app/.venv/lib/python3.11/site-packages/pytest/__init__.py',
      ['/root/.cache/pipenv/http-v2', { type: 'dir' }],
    ],
    absent: ['/usr/local/lib/python3.11/site-packages/pytest', '/app/stale/.venv'],
  },
  {
    tool: 'go',
    from: 'golang:1.22',
    files: {
      'go.mod': 'module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n)\n',
      'go.sum': 'github.com/gin-gonic/gin v1.9.1 h1:x=\n',
      'cmd/server/main.go': 'package main\nfunc main() {}\n',
    },
    steps: [
      fails('go mod download', 'go.mod file not found'),
      'COPY go.mod go.sum ./',
      'RUN go mod download',
      'COPY . .',
      'RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server',
    ],
    expect: ['/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/go.mod', ['/out/server', { mode: 0o755 }], ['/root/.cache/go-build', { type: 'dir' }]],
  },
  {
    tool: 'bundle',
    from: 'ruby:3.3',
    files: { Gemfile: "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngroup :test do\n  gem 'rspec'\nend\n", 'Gemfile.lock': 'GEM\n' },
    steps: [
      fails('bundle install', 'Could not locate Gemfile'),
      'COPY Gemfile ./',
      fails('BUNDLE_FROZEN=true bundle install', 'Gemfile.lock'),
      'COPY Gemfile.lock ./',
      'RUN bundle config set --local path vendor/bundle && bundle config set --local without test && bundle install',
    ],
    expect: ['/app/vendor/bundle/ruby/3.3.0/gems/rails-0.0.0/lib/rails.rb', '/app/.bundle/config'],
    absent: ['/app/vendor/bundle/ruby/3.3.0/gems/rspec-0.0.0'],
  },
  {
    tool: 'composer',
    from: 'php:8.3',
    files: {
      'composer.json': JSON.stringify({
        require: { php: '>=8.2', 'laravel/framework': '^11' },
        'require-dev': { 'phpunit/phpunit': '^10' },
        autoload: { 'psr-4': { 'App\\': 'app/' } },
        scripts: { 'post-autoload-dump': ['@php artisan package:discover --ansi'] },
      }),
      'composer.lock': '{}',
      artisan: '<?php\n',
      'app/Kernel.php': '<?php\n',
    },
    steps: [
      fails('composer install', 'could not find a composer.json'),
      'COPY composer.json composer.lock ./',
      'RUN composer install --no-dev --no-scripts --no-autoloader',
      fails('composer install --no-dev', 'Could not open input file: artisan'),
      'COPY . .',
      'RUN composer dump-autoload -o',
    ],
    expect: ['/app/vendor/laravel/framework/composer.json', '/app/vendor/autoload.php', ['/root/.cache/composer/files', { type: 'dir' }]],
    absent: ['/app/vendor/phpunit'],
  },
  {
    tool: 'mix',
    from: 'elixir:1.16',
    files: {
      'mix.exs': 'defmodule Demo.MixProject do\n  def project, do: [app: :demo, deps: deps()]\n  defp deps, do: [{:phoenix, "~> 1.7"}]\nend\n',
      'mix.lock': '%{}\n',
      'config/config.exs': 'import Config\n',
      'config/prod.exs': 'import Config\n',
      'lib/demo.ex': 'defmodule Demo do end\n',
    },
    steps: [
      'ENV MIX_ENV=prod',
      'COPY mix.exs mix.lock ./',
      fails('mix deps.get', 'Could not find Hex'),
      'RUN mix local.hex --force && mix local.rebar --force',
      fails('mix deps.compile', 'the dependency is not available'),
      'RUN mix deps.get --only prod',
      'COPY config/config.exs config/prod.exs config/',
      'RUN mix deps.compile',
      'COPY . .',
      'RUN mix release',
    ],
    expect: ['/app/deps/phoenix/mix.exs', '/app/_build/prod/lib/phoenix/ebin/phoenix.app', '/app/_build/prod/rel/demo/bin/demo', '/root/.hex/packages/hexpm/phoenix-0.0.0.tar'],
  },
  {
    tool: 'cargo',
    from: 'rust:1.77',
    files: {
      'Cargo.toml': '[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n',
      'Cargo.lock': 'version = 3\n',
      'src/main.rs': 'fn main() {}\n',
    },
    steps: [
      'COPY Cargo.toml Cargo.lock ./',
      fails('cargo fetch', 'no targets specified in the manifest'),
      'RUN mkdir -p src && echo "fn main() {}" > src/main.rs && cargo fetch --locked',
      'COPY . .',
      'RUN cargo build --release --locked',
    ],
    expect: ['/usr/local/cargo/registry/cache/index.crates.io-6f17d22bba15001f/serde-0.0.0.crate', ['/app/target/release/svc', { mode: 0o755 }]],
  },
  {
    tool: 'mvn',
    from: 'maven:3',
    files: {
      'pom.xml':
        '<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>demo</artifactId><version>1.0.0</version>' +
        '<dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version></dependency></dependencies></project>\n',
      'src/main/java/App.java': 'class App {}\n',
    },
    steps: [
      fails('mvn -B dependency:go-offline', 'there is no POM in this directory'),
      'COPY pom.xml ./',
      fails('mvn -B -o package', 'in offline mode'),
      'RUN mvn -B dependency:go-offline',
      'COPY src src',
      'RUN mvn -B -o package -DskipTests',
    ],
    expect: ['/root/.m2/repository/junit/junit/4.13.2/junit-4.13.2.jar', '/app/target/demo-1.0.0.jar'],
    absent: ['/app/target/surefire-reports'],
  },
  {
    tool: 'gradle',
    from: 'eclipse-temurin:21',
    files: {
      'settings.gradle.kts': 'rootProject.name = "demo"\n',
      'build.gradle.kts': 'plugins { java }\nversion = "1.0"\ndependencies { implementation("com.google.guava:guava:33.0.0-jre") }\n',
      'src/main/java/App.java': 'class App {}\n',
    },
    steps: [
      fails('gradle build', 'does not contain a Gradle build'),
      'COPY settings.gradle.kts build.gradle.kts ./',
      fails('gradle build --offline', 'No cached version'),
      'RUN gradle dependencies --no-daemon',
      'COPY . .',
      'RUN gradle build --offline --no-daemon',
    ],
    expect: ['/app/build/libs/demo-1.0.jar', ['/root/.gradle/caches/modules-2/files-2.1/com.google.guava', { type: 'dir' }]],
  },
  {
    tool: 'dotnet',
    from: 'mcr.microsoft.com/dotnet/sdk:8.0',
    files: {
      'Api.csproj':
        '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n' +
        '  <ItemGroup><PackageReference Include="Serilog" Version="3.1.1" /></ItemGroup>\n</Project>\n',
      'Program.cs': 'class P {}\n',
    },
    steps: [
      fails('dotnet restore', 'MSB1003'),
      'COPY *.csproj ./',
      fails('dotnet build --no-restore', 'NETSDK1004'),
      'RUN dotnet restore',
      'COPY . .',
      'RUN dotnet publish -c Release -o /out --no-restore',
    ],
    expect: ['/root/.nuget/packages/serilog/3.1.1/serilog.3.1.1.nupkg', '/app/obj/project.assets.json', '/out/Api.dll', '/out/Serilog.dll'],
  },
  {
    tool: 'apt-get',
    from: 'debian:bookworm',
    files: {},
    steps: [fails('apt-get install -y curl', 'Unable to locate package curl'), 'RUN apt-get update && apt-get install -y --no-install-recommends curl'],
    expect: [
      ['/usr/share/doc/curl/installed', (e) => (e.text ?? '').includes('recommends=no')],
      '/var/cache/apt/archives/curl_0.0.0_amd64.deb',
      '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease',
      ['/var/lib/dpkg/status', (e) => (e.text ?? '').includes('Package: curl')],
    ],
  },
  {
    tool: 'apk',
    from: 'alpine:3.19',
    files: {},
    steps: ['RUN apk add --no-cache curl && ! ls /var/cache/apk/APKINDEX.* 2>/dev/null'],
    expect: ['/usr/share/doc/curl/installed', ['/etc/apk/world', (e) => (e.text ?? '').includes('curl')]],
  },
  {
    tool: 'gcc',
    from: 'python:3.11-slim',
    files: { 'hello.c': 'int main(void) { return 0; }\n' },
    steps: [
      fails('gcc -o hello hello.c', 'not found'),
      'COPY hello.c .',
      'RUN apt-get update && apt-get install -y --no-install-recommends build-essential && gcc -o /out/hello hello.c && /out/hello',
      fails('cc missing.c', 'missing.c: No such file or directory'),
    ],
    expect: [['/usr/bin/gcc', { mode: 0o755 }], '/usr/bin/cc', '/usr/bin/g++', ['/out/hello', (e) => (e.text ?? '').includes('built by the gcc stand-in')]],
    absent: ['/usr/local/bin/gcc', '/usr/local/bin/git', '/usr/local/bin/curl'],
  },
  {
    tool: 'git-curl',
    from: 'node:20',
    files: {},
    steps: [
      'RUN git clone --depth 1 https://github.com/example/assets.git /opt/assets && cd /opt/assets && git rev-parse HEAD',
      'RUN curl -fsSL -o /opt/x.tgz https://example.com/x.tgz',
      fails('git clone https://github.com/example/assets.git /opt/assets', 'already exists'),
    ],
    expect: [['/opt/assets/README.standin', { text: 'cloned from https://github.com/example/assets.git by the git stand-in\n' }], '/opt/assets/.git/HEAD', ['/opt/x.tgz', { text: 'curl stand-in: https://example.com/x.tgz\n' }]],
  },
  {
    tool: 'java',
    from: 'eclipse-temurin:21-jre',
    files: { 'app.jar': 'jar\n' },
    steps: [fails('java -jar app.jar', 'Unable to access jarfile app.jar'), 'COPY app.jar .', 'RUN java -jar app.jar | grep -q "java stand-in ran app.jar"'],
    expect: ['/app/app.jar'],
    absent: ['/usr/local/bin/mvn', '/usr/local/bin/gcc', '/usr/local/bin/npm'],
  },
];

function scenarioOf(c: Case): Scenario {
  return { dockerfile: [`FROM ${c.from}`, 'WORKDIR /app', ...c.steps, ''].join('\n'), files: c.files };
}

describe.skipIf(gate.skip)('stand-ins in a real build (BuildKit)', () => {
  for (const c of CASES) {
    it(`${c.tool}: fails without the files it needs, writes where the real tool writes`, async () => {
      const r = await buildScenario('buildkit', scenarioOf(c));
      if (!r.ok) throw new Error(`build failed:\n${r.log.split('\n').slice(-30).join('\n')}`);
      for (const e of c.expect) {
        const [path, want] = typeof e === 'string' ? [e, undefined] : e;
        const got = r.image.files[path];
        expect(got, `${path} in the image`).toBeDefined();
        if (typeof want === 'function') expect(want(got as FsEntry), `${path}: ${JSON.stringify(got)}`).toBe(true);
        else if (want) expect(got).toMatchObject(want);
      }
      for (const p of c.absent ?? []) expect(r.image.files[p], `${p} should not be in the image`).toBeUndefined();
    });
  }
});

describe.skipIf(gate.skip)('stand-ins are pure functions of their inputs', () => {
  // Every stand-in in one image (node:20 carries them all), each in a folder of its own holding
  // its whole context, one RUN per tool with the steps that succeed.
  const runOf = (c: Case): string =>
    'RUN ' +
    c.steps
      .filter((st) => st.startsWith('ENV ') || (st.startsWith('RUN ') && !st.startsWith('RUN ! (')))
      .map((st) => (st.startsWith('ENV ') ? `export ${st.slice(4)}` : st.slice(4)))
      .join(' && ');
  const all: Scenario = {
    dockerfile: [
      'FROM node:20',
      'COPY . /w/',
      ...CASES.filter((c) => c.tool !== 'apk').flatMap((c) => [`WORKDIR /w/${c.tool}`, runOf(c)]),
      '',
    ].join('\n'),
    files: Object.fromEntries(CASES.flatMap((c) => Object.entries(c.files).map(([k, v]) => [`${c.tool}/${k}`, v]))),
  };

  it('a rebuild without cache gives the same image, and so does buildah', async () => {
    const first = await buildScenario('buildkit', all);
    if (!first.ok) throw new Error(first.log.split('\n').slice(-30).join('\n'));
    const again = await buildScenario('buildkit', all, { noCache: true });
    if (!again.ok) throw new Error(again.log);
    expect(compareImages(first.image, again.image)).toBeNull();
    const other = await buildScenario('buildah', all);
    if (!other.ok) throw new Error(other.log.split('\n').slice(-30).join('\n'));
    expect(compareImages(first.image, other.image)).toBeNull();
    console.log(`[dockeropt e2e] all stand-ins, ${CASES.length - 1} RUN steps: buildkit ${first.ms} ms (again without cache ${again.ms} ms), buildah ${other.ms} ms`);
  });

  it('an input the tool reads changes its output; one it does not read changes nothing else', async () => {
    const req = (extra: Record<string, string>): Scenario => ({
      dockerfile: 'FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n',
      files: { 'requirements.txt': 'flask\n-r reqs/base.txt\n', 'reqs/base.txt': 'click\n-c pins.txt\n', 'reqs/pins.txt': 'click==8\n', ...extra },
    });
    const base = await buildScenario('buildkit', req({}));
    const pins = await buildScenario('buildkit', req({ 'reqs/pins.txt': 'click==7\n' }));
    const readme = await buildScenario('buildkit', req({ 'README.md': 'hello\n' }));
    if (!base.ok || !pins.ok || !readme.ok) throw new Error('build failed');
    // A nested constraint file (relative to the file naming it) is read: packages change.
    expect(compareImages(base.image, pins.image)).toContain('~ /usr/local/lib/python3.11/site-packages/click/__init__.py: content');
    // A file pip does not read only shows up as itself.
    expect(compareImages(base.image, readme.image)).toContain('+ /app/README.md');
    expect(compareImages(base.image, readme.image, { ignorePaths: ['/app/README.md'] })).toBeNull();
  });
});
