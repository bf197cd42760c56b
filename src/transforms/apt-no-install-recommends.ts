/**
 * apt-no-install-recommends: suggests `--no-install-recommends` for `apt-get install`.
 *
 * Why: by default apt also installs every package the requested ones merely *recommend* (for
 * `curl` that is ca-certificates' friends, publicsuffix, krb5 libraries, …), often doubling an
 * image layer. Most images need only the hard dependencies.
 *
 * Contract `runtime-equivalent`: it changes which packages are installed, by design. A package
 * the application relied on through a recommendation would be missing, so this is only a
 * suggestion unless the user consents (`--unsafe`, config `unsafe: true`, or a yes in
 * `--interactive`); dockeropt cannot prove the recommended packages are unused.
 *
 * What it leaves alone: installs that already choose (`--no-install-recommends`,
 * `--install-recommends`, `-o APT::Install-Recommends=…`), stages whose earlier text sets
 * `APT::Install-Recommends` (an apt.conf.d file), commands inside `sh -c '…'`, exec-form and
 * heredoc RUNs, and RUNs under a non-POSIX SHELL.
 */
import type { Proposal, Transform } from '../engine/types.js';
import { scriptOffsetMapper } from '../model/layout.js';
import { osPackageCommand } from '../model/os-packages.js';
import { isPosixShell, quoteRun, runShells } from '../model/run.js';
import { analyzeCommandSpans } from '../model/shell.js';

export const aptNoInstallRecommends: Transform = {
  id: 'apt-no-install-recommends',
  title: 'Install apt packages without their recommendations',
  contract: 'runtime-equivalent',
  priority: 4,
  run(doc) {
    const shells = runShells(doc);
    const proposals: Proposal[] = [];
    for (const stage of doc.stages) {
      let configured = false;
      for (const run of stage.instructions) {
        // An apt.conf file that sets Install-Recommends already decides for every later install.
        configured ||= /Install-Recommends/i.test(run.argsText) && /apt\.conf/.test(run.argsText);
        if (run.keyword !== 'RUN' || configured || run.execForm || run.hasHeredoc || !isPosixShell(shells.get(run) ?? null)) continue;
        const toSource = scriptOffsetMapper(doc, run);
        for (const words of analyzeCommandSpans(run.args)) {
          const command = osPackageCommand(words.map((w) => w.text));
          if (!command || command.manager !== 'apt' || command.tool === 'apt-cache' || command.subcommand !== 'install') continue;
          if (command.words.some((w) => /^--(no-)?install-recommends$/.test(w) || /Install-Recommends/i.test(w))) continue;
          const word = words[command.subcommandIndex]!;
          const at = toSource(word.end - 1) + 1;
          proposals.push({
            message: `Add --no-install-recommends to \`${command.words.slice(0, 4).join(' ')}\` in ${quoteRun(run)}`,
            reason:
              'apt also installs the packages these recommend, which an image rarely needs; this changes which packages are installed, so it is applied only with --unsafe',
            start: run.start,
            end: run.end,
            edits: [{ start: at, end: at, text: ' --no-install-recommends' }],
          });
        }
      }
    }
    return proposals;
  },
};
