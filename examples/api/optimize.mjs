// Calls dockeropt's API from a script: run one transform on a string and print what it did.
// Run from the repository root after `npm ci`: node examples/api/optimize.mjs
import { optimize, transforms } from '../../dist/index.js';

const dockerfile = `FROM debian:bookworm
RUN mkdir -p /opt/app
RUN cd /opt/app && touch ready
`;

const { output, findings, passes } = await optimize(dockerfile, { only: ['merge-runs'] });
console.log(`transforms available: ${transforms.map((t) => t.id).join(', ')}`);
console.log(`passes: ${passes}`);
for (const finding of findings) {
  console.log(`${finding.range.startLine}: [${finding.transform}] ${finding.message} (${finding.applied ? 'applied' : finding.reason})`);
}
process.stdout.write(output);
