import { cosmiconfig } from 'cosmiconfig';
import type { Transform } from '../engine/types.js';
import { UsageError } from './errors.js';

/** What a config file may hold. */
export interface DockeroptConfig {
  /** Run only these transforms. */
  only?: string[];
  /** Also run these opt-in transforms. */
  enable?: string[];
  /** Never run these transforms. */
  skip?: string[];
  /** Apply `runtime-equivalent` fixes too. */
  unsafe?: boolean;
  /** Per transform: `"off"`, or its options. */
  transforms?: Record<string, 'off' | Record<string, unknown>>;
}

const TOP_LEVEL_KEYS = ['only', 'enable', 'skip', 'unsafe', 'transforms'];

export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.dockeroptrc',
  '.dockeroptrc.json',
  '.dockeroptrc.yaml',
  '.dockeroptrc.yml',
  'dockeropt.config.js',
  'dockeropt.config.mjs',
  'dockeropt.config.cjs',
];

export interface LoadedConfig {
  config: DockeroptConfig;
  /** The file it came from, or null when none was found. */
  filepath: string | null;
}

/** Finds the config from `searchFrom` upwards, or loads `explicitFile`. Validates it. */
export async function loadConfig(searchFrom: string, explicitFile: string | undefined, registry: readonly Transform[]): Promise<LoadedConfig> {
  const explorer = cosmiconfig('dockeropt', { searchPlaces: CONFIG_SEARCH_PLACES, searchStrategy: 'global' });
  let result;
  try {
    result = explicitFile ? await explorer.load(explicitFile) : await explorer.search(searchFrom);
  } catch (error) {
    const where = explicitFile ?? 'config file';
    throw new UsageError(`${where}: cannot load config: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!result || result.isEmpty) return { config: {}, filepath: result?.filepath ?? null };
  return { config: validateConfig(result.config, result.filepath, registry), filepath: result.filepath };
}

export function validateConfig(raw: unknown, source: string, registry: readonly Transform[]): DockeroptConfig {
  const fail = (message: string): never => {
    throw new UsageError(`${source}: ${message}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('the config must be an object');
  const config = raw as Record<string, unknown>;
  const known = registry.map((t) => t.id);
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL_KEYS.includes(key)) fail(`unknown key "${key}"; allowed keys: ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  for (const key of ['only', 'enable', 'skip'] as const) {
    const list = config[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((id) => typeof id === 'string')) fail(`"${key}" must be a list of transform ids`);
    for (const id of list as string[]) if (!known.includes(id)) fail(`"${key}" names unknown transform "${id}"; known: ${known.join(', ')}`);
  }
  if (config.unsafe !== undefined && typeof config.unsafe !== 'boolean') fail('"unsafe" must be true or false');
  const perTransform = config.transforms;
  if (perTransform !== undefined) {
    if (typeof perTransform !== 'object' || perTransform === null || Array.isArray(perTransform)) fail('"transforms" must be an object keyed by transform id');
    for (const [id, value] of Object.entries(perTransform as Record<string, unknown>)) {
      const transform = registry.find((t) => t.id === id);
      if (!transform) fail(`"transforms" names unknown transform "${id}"; known: ${known.join(', ')}`);
      if (value === 'off') continue;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`"transforms.${id}" must be "off" or an object of options`);
      const allowed = Object.keys(transform!.options ?? {});
      for (const [option, optionValue] of Object.entries(value as Record<string, unknown>)) {
        const type = transform!.options?.[option];
        if (!type) {
          fail(`unknown option "${option}" for ${id}; ${allowed.length ? `it takes: ${allowed.join(', ')}` : 'it takes no options'}`);
        }
        if (!matchesType(optionValue, type!)) fail(`"transforms.${id}.${option}" must be a ${type}`);
      }
    }
  }
  return config as DockeroptConfig;
}

function matchesType(value: unknown, type: 'boolean' | 'string' | 'number' | 'string[]'): boolean {
  if (type === 'string[]') return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return typeof value === type;
}
