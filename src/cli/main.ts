import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export const USAGE = `Usage: dockeropt fix [options] [PATH...]

Rewrites Dockerfiles so Docker's layer cache works, keeping what the image is.
PATH is a Dockerfile or a directory (searched for Dockerfile, *.Dockerfile,
Dockerfile.* and Containerfile, skipping node_modules and .git). Default: .

Options:
  --dry-run             print a unified diff (apply with: patch -p0) and write nothing
  --check               write nothing; exit 1 if any file would change
  --only ID[,ID]        run only these transforms
  --enable ID[,ID]      also run these opt-in transforms
  --skip ID[,ID]        do not run these transforms
  --unsafe              also apply fixes that change the image by design (runtime-equivalent)
  --format text|json    output format (default: text)
  --context DIR         build context (default: each Dockerfile's directory)
  --config FILE         read this config file instead of searching for one
  --no-config           ignore config files
  -h, --help            show this help
  -v, --version         show the version

Exit codes: 0 done, 1 --check found changes, 2 bad usage or input.`;

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Whether stderr is a terminal (progress output goes there). */
  stderrIsTTY: boolean;
}

/** Runs the CLI and resolves to the exit code. Never throws for a user mistake. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dockeropt: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        check: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        enable: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        unsafe: { type: 'boolean' },
        format: { type: 'string' },
        context: { type: 'string' },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (values.help || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command === undefined) throw new UsageError(`missing command\n${USAGE}`);
  if (command !== 'fix') throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown format "${format}": use text or json`);
  if (values.config && values['no-config']) throw new UsageError('--config and --no-config cannot be used together');

  const { runFix } = await import('./fix.js');
  return runFix(
    {
      paths: paths.length > 0 ? paths : ['.'],
      dryRun: values['dry-run'] ?? false,
      check: values.check ?? false,
      only: splitIds(values.only),
      enable: splitIds(values.enable),
      skip: splitIds(values.skip),
      unsafe: values.unsafe ?? false,
      format,
      context: values.context,
      configFile: values.config,
      useConfig: !values['no-config'],
    },
    io,
  );
}

function splitIds(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((value) => value.split(',')).map((id) => id.trim()).filter(Boolean);
}
