/**
 * Go modules: go.mod with or without go.sum, a `replace` with a local folder, a go.work beside
 * go.mod or in the folder above, and `go build` (which reads every source) after the download.
 */
import fc from 'fast-check';
import { ignoreArb, middleArb, oneIn, parentArb, parentFiles, type EcosystemScenarios, type Files } from './common.js';

export const go: EcosystemScenarios = {
  ecosystem: 'go',
  base: 'golang:1.22',
  cmd: ['/out/app'],
  project: fc
    .record({
      middle: middleArb(['ENV CGO_ENABLED=0'], ['ENV GOFLAGS=-mod=mod']),
      goSum: fc.boolean(),
      requires: fc.subarray(['github.com/pkg/errors v0.9.1', 'golang.org/x/text v0.14.0']),
      localReplace: oneIn(4),
      goWork: oneIn(8),
      ignore: ignoreArb(['*.md', 'vendor'], ['go.sum']),
      verbose: fc.boolean(),
      then: fc.constantFrom(null, 'go build -o /out/app .', 'go vet ./...'),
      parent: parentArb,
    })
    .map((s) => {
      const goMod = [
        'module example.com/app',
        '',
        'go 1.22',
        ...(s.requires.length ? ['', 'require (', ...s.requires.map((r) => `\t${r}`), ')'] : []),
        ...(s.localReplace ? ['', 'replace example.com/lib => ./lib'] : []),
        '',
      ].join('\n');
      const files: Files = { 'go.mod': goMod, 'main.go': 'package main\n\nfunc main() {}\n', 'lib/go.mod': 'module example.com/lib\n' };
      if (s.goSum) files['go.sum'] = s.requires.map((r) => `${r} h1:abc=\n`).join('');
      if (s.goWork) files['go.work'] = 'go 1.22\n\nuse .\n';
      return { files, ignore: s.ignore, parent: parentFiles(s.parent, { 'go.work': 'go 1.22\n\nuse ./svc\n' }), middle: s.middle, install: `go mod download${s.verbose ? ' -x' : ''}`, then: s.then };
    }),
};
