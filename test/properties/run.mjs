#!/usr/bin/env node
// `npm run test:props -- --runs N --seed S [FILE...]`: the real-engine property suites with more
// (or fewer) cases and another seed. Without FILEs, every test/properties/*.engine.test.ts.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string' }, seed: { type: 'string' } },
});
for (const [name, value] of Object.entries(values)) {
  if (!/^\d+$/.test(value)) {
    console.error(`test:props: --${name} must be a whole number, not "${value}"`);
    process.exit(2);
  }
}
const env = { ...process.env };
if (values.runs) env.DOCKEROPT_PROPERTY_RUNS = values.runs;
if (values.seed) env.DOCKEROPT_PROPERTY_SEED = values.seed;
const files = positionals.length > 0 ? positionals : ['test/properties/'];
const result = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', ...files], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
