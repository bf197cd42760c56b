/**
 * Composer projects: composer.lock present or not, install-event scripts that read the sources
 * (and --no-scripts), autoloaders that scan the project (classmap, an optimised dump) or not
 * (PSR-4, files) and --no-autoloader, a plugin in the lock, a path repository, vendor/ sent or
 * ignored, a sent .git without a root version, and auth.json.
 */
import fc from 'fast-check';
import { ignoreArb, json, middleArb, oneIn, weighted, type EcosystemScenarios, type Files } from './common.js';

const SCRIPTS = {
  none: null,
  /** Laravel's: post-autoload-dump runs during an install. */
  laravel: {
    'post-autoload-dump': ['Illuminate\\Foundation\\ComposerScripts::postAutoloadDump', '@php artisan package:discover --ansi'],
    'post-update-cmd': ['@php artisan vendor:publish --tag=laravel-assets --ansi --force'],
  },
  'post-install': { 'post-install-cmd': ['@php artisan optimize'] },
  /** Events an install does not fire. */
  'not-install': { 'post-update-cmd': ['@php artisan optimize'], 'post-root-package-install': ['@php -r "copy(\'.env.example\', \'.env\');"'] },
};

const AUTOLOAD = {
  'psr-4': { 'psr-4': { 'App\\': 'src/' } },
  classmap: { 'psr-4': { 'App\\': 'src/' }, classmap: ['database/'] },
  files: { 'psr-4': { 'App\\': 'src/' }, files: ['src/helpers.php'] },
};

export const composer: EcosystemScenarios = {
  ecosystem: 'composer',
  base: 'php:8.3',
  cmd: ['php', 'artisan', 'serve'],
  project: fc
    .record({
      middle: middleArb(['ENV COMPOSER_ALLOW_SUPERUSER=1'], ['ENV COMPOSER_VENDOR_DIR=lib/vendor']),
      noScripts: weighted([true, 2], [false, 1]),
      noAutoloader: fc.boolean(),
      noDev: fc.boolean(),
      optimize: oneIn(6),
      quiet: fc.constantFrom('', ' --no-interaction --prefer-dist', ' --no-progress'),
      scripts: fc.constantFrom(...(Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[])),
      autoload: weighted<keyof typeof AUTOLOAD>(['psr-4', 2], ['files', 1], ['classmap', 1]),
      lockfile: weighted([true, 5], [false, 1]),
      plugin: oneIn(6),
      pathRepository: oneIn(8),
      version: fc.boolean(),
      gitSent: oneIn(3),
      vendorSent: oneIn(3),
      auth: fc.boolean(),
      ignore: ignoreArb(['vendor', '*.md', '.git', 'tests', 'auth.json'], ['composer.lock']),
      then: fc.constantFrom(null, 'composer dump-autoload --optimize', 'php artisan list', 'cp src/App.php built.php'),
    })
    .map((s) => {
      const packages = [{ name: 'monolog/monolog', version: '3.5.0', type: 'library', dist: { type: 'zip', url: 'https://example.com/monolog.zip' } }];
      if (s.plugin) packages.push({ name: 'php-http/discovery', version: '1.19.0', type: 'composer-plugin', dist: { type: 'zip', url: 'https://example.com/discovery.zip' } });
      const manifest: Record<string, unknown> = {
        name: 'acme/app',
        type: 'project',
        ...(s.version ? { version: '1.0.0' } : {}),
        require: { php: '^8.2', ...Object.fromEntries(packages.map((p) => [p.name, `^${p.version}`])) },
        'require-dev': { 'phpunit/phpunit': '^10.5' },
        autoload: AUTOLOAD[s.autoload],
        ...(SCRIPTS[s.scripts] ? { scripts: SCRIPTS[s.scripts] } : {}),
        ...(s.plugin ? { config: { 'allow-plugins': { 'php-http/discovery': true } } } : {}),
        ...(s.pathRepository ? { repositories: [{ type: 'path', url: 'packages/*' }] } : {}),
      };
      const files: Files = {
        'composer.json': json(manifest),
        artisan: '<?php // artisan\n',
        'src/App.php': '<?php namespace App; class App {}\n',
        'src/helpers.php': '<?php function helper() {}\n',
        'database/seeders/Seeder.php': '<?php class Seeder {}\n',
        'tests/AppTest.php': '<?php\n',
        'README.md': '# app\n',
      };
      if (s.lockfile) {
        const dev = [{ name: 'phpunit/phpunit', version: '10.5.0', type: 'library', dist: { type: 'zip', url: 'https://example.com/phpunit.zip' } }];
        files['composer.lock'] = json({ _readme: ['generated'], 'content-hash': '0123abcd', packages, 'packages-dev': dev });
      }
      if (s.pathRepository) files['packages/tools/composer.json'] = json({ name: 'acme/tools' });
      if (s.gitSent) files['.git/HEAD'] = 'ref: refs/heads/main\n';
      if (s.vendorSent) files['vendor/stale/stale.php'] = '<?php\n';
      if (s.auth) files['auth.json'] = json({ 'http-basic': {} });
      const flags = [
        s.noDev ? '--no-dev' : '',
        s.noScripts ? '--no-scripts' : '',
        s.noAutoloader ? '--no-autoloader' : '',
        s.optimize ? '--optimize-autoloader' : '',
      ].filter(Boolean);
      return { files, ignore: s.ignore, middle: s.middle, install: `composer install${flags.map((f) => ` ${f}`).join('')}${s.quiet}`, then: s.then };
    }),
};
