import { exitCodeTable } from './exit-codes.js';
import { commandDefs, optionLabel, optionsFor } from './options.js';
import type { CommandName, OptionDef } from './options.js';

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function optionText(o: OptionDef): string {
  return o.default === undefined ? o.description : `${o.description} Default: ${o.default}.`;
}

/** `dmasim --help` and `dmasim <command> --help`, built from the option tables. */
export function formatHelp(topic?: CommandName): string {
  if (topic !== undefined) {
    const c = commandDefs.find((d) => d.name === topic)!;
    return [
      `Usage: dmasim ${c.name} ${c.operands} [options]`,
      '',
      c.summary,
      '',
      ...c.details,
      '',
      'Options:',
      ...table(optionsFor(topic).map((o) => [optionLabel(o), optionText(o)])),
      '',
    ].join('\n');
  }
  return [
    'dmasim — run .dma scenarios against a simulated Linux IOMMU/DMA stack',
    '',
    'Usage: dmasim <command> [options]',
    '',
    'Commands:',
    ...table(commandDefs.map((c) => [`${c.name} ${c.operands}`, c.summary])),
    '',
    'Options:',
    ...table(optionsFor(undefined).map((o) => [optionLabel(o), optionText(o)])),
    '',
    'Exit codes:',
    ...table(exitCodeTable.map((e) => [String(e.code), e.meaning])),
    '',
    'Run `dmasim <command> --help` for the options of a command.',
    '',
  ].join('\n');
}
