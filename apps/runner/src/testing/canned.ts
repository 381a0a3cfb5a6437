// Test support: one result of every status, as reporter inputs.
import { palette } from '../color.js';
import type { ScenarioResult } from '../engine-port.js';
import { labelOf } from '../report-item.js';
import type { ReportItem } from '../report-item.js';
import type { ReporterContext, RunEnd } from '../reporters/reporter.js';
import { summarize } from '../status.js';
import {
  diagnostic,
  fakeFormatCodeFrame,
  fakeFormatDiagnostic,
  loc,
  result,
} from './fake-engine.js';

export const failSource = [
  'scenario "overlap"',
  'step "map" {',
  '  vfio.map_dma c iova=0x10_8000 vaddr=ubuf size=4K rw => error EEXIST',
  '}',
  '',
].join('\n');

export const badSource = ['scenario "bad"', 'dma.map_single 00:02.0 =>', ''].join('\n');

function item(path: string, source: string, r: ScenarioResult): ReportItem {
  const file = { path, absPath: `/abs/${path}` };
  return { file, source, result: r, label: labelOf(file, r) };
}

export const cannedItems: readonly ReportItem[] = [
  item('s/boot.dma', 'scenario "boot"\n', result('s/boot.dma', { title: 'boot', durationMs: 3 })),
  item(
    's/fail.dma',
    failSource,
    result('s/fail.dma', {
      title: 'overlap',
      variant: 'strict',
      status: 'fail',
      durationMs: 7,
      failures: [
        {
          message: 'outcome of vfio.map_dma',
          loc: loc(3, 3, 15),
          expected: 'error EEXIST',
          actual: 'ok',
          why: ['[0x108000, 0x109000) overlaps the mapping made at line 2'],
          state: ['container c (type1v2): 0x100000..0x10ffff rw'],
        },
      ],
    }),
  ),
  item(
    's/xf.dma',
    '',
    result('s/xf.dma', {
      title: 'known bug',
      status: 'xfail',
      durationMs: 2,
      xfailReason: 'lazy flush not modelled',
    }),
  ),
  item(
    's/xp.dma',
    '',
    result('s/xp.dma', { status: 'xpass', durationMs: 1, xfailReason: 'bug 12' }),
  ),
  item(
    's/skip.dma',
    '',
    result('s/skip.dma', {
      title: 'amd only',
      status: 'skip',
      durationMs: 0,
      skipReason: 'requires iommu=amd-vi',
    }),
  ),
  item(
    's/bad.dma',
    badSource,
    result('s/bad.dma', {
      status: 'error',
      durationMs: 0,
      diagnostics: [diagnostic('DMA102', 'expected an outcome after `=>`', loc(2, 24, 26))],
    }),
  ),
];

export const cannedEnd: RunEnd = {
  summary: summarize(cannedItems.map((i) => i.result.status)),
  interrupted: false,
};

export function captureContext(color = false): ReporterContext & {
  out: { write(s: string): void; text: string };
  err: { write(s: string): void; text: string };
} {
  const out = {
    text: '',
    write(s: string) {
      out.text += s;
    },
  };
  const err = {
    text: '',
    write(s: string) {
      err.text += s;
    },
  };
  return {
    out,
    err,
    formatters: { formatDiagnostic: fakeFormatDiagnostic, formatCodeFrame: fakeFormatCodeFrame },
    palette: palette(color),
    color,
  };
}
