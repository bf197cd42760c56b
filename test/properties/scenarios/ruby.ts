/**
 * Bundler projects: how the install is frozen (`bundle config set … frozen|deployment true` in
 * the same RUN, `--frozen`, `--deployment`, or not at all), a Gemfile.lock present or not (or
 * with a PATH section), Gemfile lines that read more files (`gemspec`, a `path:` gem, `ruby
 * file:`), a .bundle/config in the context, vendor/bundle sent or ignored, and vendor/cache.
 */
import fc from 'fast-check';
import { ignoreArb, middleArb, oneIn, parentArb, parentFiles, weighted, type EcosystemScenarios, type Files } from './common.js';

const INSTALLS = {
  'config-deployment': 'bundle config set --local deployment true && bundle{bare}',
  'config-frozen': 'bundle config set frozen true && bundle{bare}',
  'config-frozen-without': 'bundle config set --local frozen true && bundle config set --local without development && bundle{bare}',
  'flag-deployment': 'bundle install --deployment',
  'flag-frozen': 'bundle install --frozen --jobs 4',
  unfrozen: 'bundle install --jobs 4 --retry 3',
};

export const bundler: EcosystemScenarios = {
  ecosystem: 'bundler',
  base: 'ruby:3.3',
  cmd: ['ruby', 'app.rb'],
  project: fc
    .record({
      middle: middleArb(['ENV BUNDLE_WITHOUT=development'], ['ENV BUNDLE_DEPLOYMENT=1']),
      mode: fc.constantFrom(...(Object.keys(INSTALLS) as (keyof typeof INSTALLS)[])),
      bare: fc.boolean(),
      gems: fc.subarray(['rack', 'puma', 'sinatra'], { minLength: 1 }),
      devGroup: fc.boolean(),
      lockfile: weighted([true, 5], [false, 1]),
      /** Gemfile lines that read more than the Gemfile: `ruby file:`, `gemspec`, a `path:` gem. */
      extra: weighted<string | null>([null, 4], ['ruby-file', 2], ['gemspec', 1], ['path-gem', 1]),
      /** A .bundle/config in the context: the install (or `bundle config set`) writes it, so .dockerignore must leave it out. */
      bundleConfig: weighted<string | null>([null, 3], ['BUNDLE_PATH: "vendor/bundle"', 1], ['BUNDLE_WITHOUT: "test"', 1]),
      vendorBundleSent: oneIn(3),
      vendorCache: fc.boolean(),
      ignore: ignoreArb(['*.md', 'vendor/bundle', '.bundle', 'spec'], ['Gemfile.lock', 'Gemfile']),
      then: fc.constantFrom(null, 'cp app.rb built.rb', 'bundle exec cp app.rb built.rb'),
      parent: parentArb,
    })
    .map((s) => {
      const gemfile = [
        'source "https://rubygems.org"',
        '',
        s.extra === 'ruby-file' ? 'ruby file: ".ruby-version"' : 'ruby "3.3.0"',
        ...(s.extra === 'gemspec' ? ['gemspec'] : []),
        '',
        ...s.gems.map((g) => `gem "${g}"`),
        ...(s.extra === 'path-gem' ? ['gem "mylib", path: "vendor/mylib"'] : []),
        ...(s.devGroup ? ['', 'group :development, :test do', '  gem "rspec"', 'end'] : []),
        '',
      ];
      const files: Files = { Gemfile: gemfile.join('\n'), 'app.rb': 'puts "hi"\n', 'README.md': '# app\n', 'spec/app_spec.rb': '\n' };
      if (s.lockfile) {
        const specs = [...s.gems, ...(s.devGroup ? ['rspec'] : [])].map((g) => `    ${g} (1.0.0)`);
        const path = s.extra === 'path-gem' ? 'PATH\n  remote: vendor/mylib\n  specs:\n    mylib (0.1.0)\n\n' : '';
        files['Gemfile.lock'] = `${path}GEM\n  remote: https://rubygems.org/\n  specs:\n${specs.join('\n')}\n\nPLATFORMS\n  x86_64-linux\n\nBUNDLED WITH\n   2.5.6\n`;
      }
      if (s.extra === 'ruby-file') files['.ruby-version'] = '3.3.0\n';
      if (s.extra === 'gemspec') files['app.gemspec'] = 'Gem::Specification.new { |s| s.name = "app" }\n';
      if (s.extra === 'path-gem') files['vendor/mylib/mylib.gemspec'] = 'Gem::Specification.new { |s| s.name = "mylib" }\n';
      if (s.bundleConfig) files['.bundle/config'] = `---\n${s.bundleConfig}\n`;
      if (s.vendorBundleSent) files['vendor/bundle/ruby/3.3.0/gems/stale-0.0.0/lib/stale.rb'] = '# stale\n';
      if (s.vendorCache) files['vendor/cache/rack-1.0.0.gem'] = 'gem\n';
      const parent = parentFiles(s.parent, { '.bundle/config': '---\nBUNDLE_JOBS: "4"\n' });
      const install = INSTALLS[s.mode].replace('{bare}', s.bare ? '' : ' install');
      return { files, ignore: s.ignore, parent, middle: s.middle, install, then: s.then };
    }),
};
