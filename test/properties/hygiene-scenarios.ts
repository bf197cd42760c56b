/**
 * fast-check generators of build scenarios for the package-hygiene transforms
 * (apt-update-with-install, apt-cleanup, cache-mounts, hoist-volatile). Each scenario is a
 * Dockerfile plus its build context over the bases the engine harness builds (debian:bookworm
 * with the apt-get stand-in, alpine:3.19 with apk, node:20, python:3.11, golang:1.22), using
 * only commands the stand-ins model, so every scenario builds for real. The generators mix
 * spots each transform must rewrite with the ones it must leave alone (a RUN between that reads
 * the index, a later install that needs the lists, a step that lists a cache folder, a RUN that
 * dumps its environment), so the engine comparison checks both the rewrites and the skips.
 */
import fc from 'fast-check';
import type { Scenario } from '../e2e/engine/index.js';

const FILES: Scenario['files'] = {
  'app.txt': 'hello\n',
  'scripts/run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
};

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const lines = (...parts: (string | string[] | null | undefined)[]) => parts.flat().filter((p): p is string => typeof p === 'string' && p !== '').join('\n') + '\n';

interface Manager {
  base: string;
  update: string[];
  install: (pkgs: string) => string;
  /** A command that reads the index without refreshing it. */
  query: string;
  indexPath: string;
}

const APT: Manager = {
  base: 'debian:bookworm',
  update: ['apt-get update', 'apt-get update -qq', 'apt-get -y update', 'apt update'],
  install: (pkgs) => `apt-get install -y ${pkgs}`,
  query: 'apt-get install -y git',
  indexPath: '/var/lib/apt/lists',
};
const APK: Manager = {
  base: 'alpine:3.19',
  update: ['apk update', 'apk -q update'],
  install: (pkgs) => `apk add ${pkgs}`,
  query: 'apk add git',
  indexPath: '/var/cache/apk',
};

/** Instructions that execute nothing. */
const neutral = pick(
  'ENV DEBIAN_FRONTEND=noninteractive',
  'LABEL org.opencontainers.image.title="demo"',
  'WORKDIR /srv',
  'COPY app.txt /srv/app.txt',
  'EXPOSE 8080',
  'ENV APP_MODE=production',
  'ARG FLAVOUR=plain',
);

// ---------------------------------------------------------------------------------------------
// apt-update-with-install

export const updateWithInstallScenarios: fc.Arbitrary<Scenario> = fc
  .record({
    manager: pick(APT, APK),
    updateIndex: fc.nat(3),
    form: pick('shell', 'exec', 'trailing'),
    middle: fc.array(fc.oneof({ arbitrary: neutral, weight: 5 }, { arbitrary: pick('RUN_BETWEEN'), weight: 1 }), { maxLength: 3 }),
    betweenIndex: fc.nat(2),
    install: pick('plain', 'chain', 'list', 'redundant', 'prefixed'),
    pkgs: pick('curl', 'curl git', 'jq'),
    later: fc.option(pick('install', 'listing', 'mkdir'), { nil: null }),
  })
  .map(({ manager: m, updateIndex, form, middle, betweenIndex, install, pkgs, later }) => {
    const update = m.update[updateIndex % m.update.length]!;
    const updateRun =
      form === 'exec'
        ? `RUN ${JSON.stringify(update.split(' '))}`
        : form === 'trailing'
          ? `RUN mkdir -p /etc/extra && echo "repo" > /etc/extra/repo.list && ${update}`
          : `RUN ${update}`;
    const betweenRuns = [`RUN mkdir -p /data`, `RUN ls ${m.indexPath} > /between.txt`, `RUN ${m.query}`];
    const middleLines = middle.map((line) => (line === 'RUN_BETWEEN' ? betweenRuns[betweenIndex % betweenRuns.length]! : line));
    const installRun = {
      plain: `RUN ${m.install(pkgs)}`,
      chain: `RUN ${m.install(pkgs)} && ls /usr/share/doc > /docs.txt`,
      list: `RUN ${m.install(pkgs)}; echo done > /done.txt`,
      redundant: `RUN ${m.update[0]} && ${m.install(pkgs)}`,
      prefixed: `RUN mkdir -p /opt/tools && ${m.install(pkgs)}`,
    }[install];
    const laterRun = later === null ? null : { install: `RUN ${m.query}`, listing: `RUN ls ${m.indexPath} > /after.txt`, mkdir: 'RUN mkdir -p /later' }[later];
    return { dockerfile: lines(`FROM ${m.base}`, updateRun, middleLines, installRun, laterRun, 'CMD ["sh"]'), files: { ...FILES } };
  });

// ---------------------------------------------------------------------------------------------
// apt-cleanup

const laterStep = (m: Manager) =>
  pick(
    `RUN ${m.query}`,
    `RUN ${m.update[0]} && ${m.query}`,
    'RUN mkdir -p /later && echo later > /later/x',
    `RUN ls ${m.indexPath} > /lists.txt`,
    `RUN sh -c '${m.query}'`,
    'COPY app.txt /app.txt',
    `RUN rm -rf ${m.indexPath}/*`,
  );

export const cleanupScenarios: fc.Arbitrary<Scenario> = fc
  .record({ manager: pick(APT, APK) })
  .chain(({ manager: m }) =>
    fc.record({
      first: pick(
        `RUN ${m.update[0]} && ${m.install('curl')}`,
        `RUN ${m.update[0]} && \\\n    ${m.install('curl git')}`,
        `RUN ${m.update[0]}; ${m.install('curl')} || ${m.install('wget')}`,
        `RUN ${m.update[0]} && ${m.install('curl')} && ${m.install('jq')} && ls /usr/share/doc > /docs.txt`,
        `RUN ${m.install('curl')}`,
      ),
      later: fc.array(laterStep(m), { maxLength: 3 }),
      child: fc.option(laterStep(m), { nil: null }),
      copyFrom: fc.boolean(),
    }).map(({ first, later, child, copyFrom }) => {
      const stages = [lines(`FROM ${m.base} AS base`, first, later)];
      if (child !== null) stages.push(lines('FROM base AS child', child));
      if (copyFrom) stages.push(lines(`FROM ${m.base}`, `COPY --from=base ${m.indexPath} /copied-index`));
      return { dockerfile: stages.join('\n'), files: { ...FILES } };
    }),
  );

// ---------------------------------------------------------------------------------------------
// cache-mounts

const PACKAGE_JSON = '{\n  "name": "demo",\n  "version": "1.0.0",\n  "dependencies": { "left-pad": "1.3.0", "ms": "2.1.3" }\n}\n';
const PACKAGE_LOCK = '{\n  "name": "demo",\n  "lockfileVersion": 3,\n  "packages": {}\n}\n';

export const cacheMountScenarios: fc.Arbitrary<Scenario> = fc.oneof(
  // npm
  fc
    .record({
      install: pick('npm ci', 'npm ci && npm cache clean --force', 'npm install'),
      later: fc.option(pick('RUN ls -R /root/.npm > /npm-cache.txt', 'RUN npm ci --prefer-offline', 'RUN mkdir -p /x'), { nil: null }),
      user: fc.boolean(),
    })
    .map(({ install, later, user }) => ({
      dockerfile: lines(
        'FROM node:20',
        user ? 'USER node' : null,
        user ? 'WORKDIR /home/node/app' : 'WORKDIR /app',
        user ? 'COPY --chown=node package.json package-lock.json ./' : 'COPY package.json package-lock.json ./',
        `RUN ${install}`,
        later,
      ),
      files: { 'package.json': PACKAGE_JSON, 'package-lock.json': PACKAGE_LOCK },
    })),
  // pip
  fc
    .record({
      install: pick('pip install -r requirements.txt', 'pip install --no-cache-dir -r requirements.txt', 'python -m pip install -r requirements.txt && pip cache purge'),
      env: fc.boolean(),
    })
    .map(({ install, env }) => ({
      dockerfile: lines('FROM python:3.11', env ? 'ENV PIP_NO_CACHE_DIR=1' : null, 'WORKDIR /app', 'COPY requirements.txt .', `RUN ${install}`),
      files: { 'requirements.txt': 'requests==2.31.0\nflask==3.0.0\n' },
    })),
  // apt
  fc
    .record({
      steps: pick(
        ['RUN apt-get update && apt-get install -y curl'],
        ['RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'],
        ['RUN apt-get update', 'RUN apt-get install -y curl', 'RUN apt-get install -y git && apt-get clean'],
        ['RUN apt-get update && apt-get install -y curl', 'RUN ls /var/lib/apt/lists > /lists.txt'],
        ['RUN apt-get install -y curl'],
      ),
    })
    .map(({ steps }) => ({ dockerfile: lines('FROM debian:bookworm', steps), files: { ...FILES } })),
  // go
  fc
    .record({
      build: pick('RUN go build -o /out/app .', 'RUN go vet ./... && go build -o /out/app .'),
      later: fc.option(pick('RUN ls /go/pkg/mod > /mods.txt', 'RUN ./scripts/run.sh'), { nil: null }),
    })
    .map(({ build, later }) => ({
      dockerfile: lines('FROM golang:1.22', 'WORKDIR /src', 'COPY go.mod go.sum ./', 'RUN go mod download', 'COPY . .', build, later),
      files: {
        'go.mod': 'module example.com/demo\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.1\n',
        'go.sum': 'github.com/pkg/errors v0.9.1 h1:abc=\n',
        'main.go': 'package main\n\nfunc main() {}\n',
        'scripts/run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
      },
    })),
);

// ---------------------------------------------------------------------------------------------
// hoist-volatile

export const hoistScenarios: fc.Arbitrary<Scenario> = fc
  .record({
    base: pick('debian:bookworm', 'alpine:3.19'),
    head: pick('ARG BUILD_DATE', 'ARG BUILD_DATE=unknown', 'ARG GIT_SHA', 'ENV BUILD_NUMBER=42', 'ARG VERSION=1.0'),
    label: fc.boolean(),
    env: fc.boolean(),
    steps: fc.array(
      pick(
        'RUN mkdir -p /data && echo data > /data/x',
        'COPY app.txt /srv/app.txt',
        'WORKDIR /srv',
        'RUN env | sort > /env.txt',
        'RUN printenv > /printenv.txt || true',
        'RUN echo "${BUILD_DATE:-none} ${GIT_SHA:-none} ${VERSION:-none}" > /seen.txt',
        'ENV OTHER=1',
        'LABEL org.opencontainers.image.created=fixed',
        'RUN sh -c "env > /sh-env.txt"',
        'USER root',
      ),
      { maxLength: 4 },
    ),
    install: fc.boolean(),
    buildArg: fc.option(pick('2024-05-01', 'abc123'), { nil: null }),
  })
  .map(({ base, head, label, env, steps, install, buildArg }) => {
    const name = /(ARG|ENV) (\w+)/.exec(head)![2]!;
    const installRun = base.startsWith('alpine') ? 'RUN apk update && apk add curl' : 'RUN apt-get update && apt-get install -y curl';
    const dockerfile = lines(
      `FROM ${base}`,
      head,
      label ? `LABEL org.opencontainers.image.created=$${name}` : null,
      env ? `ENV APP_${name}=\${${name}}` : null,
      install ? installRun : null,
      steps,
      'COPY app.txt /app.txt',
      'CMD ["sh"]',
    );
    // A build arg only for an ARG (one no ARG consumes only draws a warning, and tests nothing).
    const buildArgs = buildArg !== null && head.startsWith('ARG') ? { buildArgs: { [name]: buildArg } } : {};
    return { dockerfile, files: { ...FILES }, ...buildArgs };
  });
