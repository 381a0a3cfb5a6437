import { detailLines } from '../render-failure.js';
import type { ReportItem } from '../report-item.js';
import { outcomeOf } from '../status.js';
import { wholeDocumentReporter } from './reporter.js';
import type { Reporter, ReporterContext } from './reporter.js';

/**
 * JUnit XML (the Ant/Surefire shape GitLab, Jenkins and GitHub test-report actions
 * read): one <testsuite> per file, one <testcase> per scenario. FAIL and XPASS →
 * <failure>, ERROR → <error>, SKIP → <skipped>, XFAIL passes with a <system-out>
 * note. Written whole at the end; the summary line goes to stderr.
 */
export function junitReporter(ctx: ReporterContext): Reporter {
  return wholeDocumentReporter(ctx, (items) => {
    const suites = new Map<string, ReportItem[]>();
    for (const item of items) {
      const list = suites.get(item.file.path);
      if (list === undefined) suites.set(item.file.path, [item]);
      else list.push(item);
    }
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="dmasim" ${counts(items)}>`];
    for (const [path, suite] of suites) {
      lines.push(`  <testsuite name="${attr(path)}" ${counts(suite)}>`);
      for (const item of suite) lines.push(...testcase(item, ctx));
      lines.push('  </testsuite>');
    }
    lines.push('</testsuites>');
    return lines.join('\n');
  });
}

function counts(items: readonly ReportItem[]): string {
  const n = (pred: (i: ReportItem) => boolean): number => items.filter(pred).length;
  const errors = n((i) => i.result.status === 'error');
  const failures = n((i) => outcomeOf(i.result.status) === 'failed') - errors;
  const skipped = n((i) => i.result.status === 'skip');
  const time = items.reduce((t, i) => t + i.result.durationMs, 0);
  return `tests="${items.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}"`;
}

function testcase(item: ReportItem, ctx: ReporterContext): string[] {
  const r = item.result;
  const open = `    <testcase classname="${attr(item.file.path)}" name="${attr(item.label)}" file="${attr(item.file.path)}" time="${seconds(r.durationMs)}"`;
  const body = detailLines(item, ctx).join('\n');
  switch (r.status) {
    case 'pass':
      return [`${open}/>`];
    case 'skip':
      return [
        `${open}>`,
        `      <skipped message="${attr(r.skipReason ?? 'skipped')}"/>`,
        '    </testcase>',
      ];
    case 'xfail':
      return [
        `${open}>`,
        `      <system-out>${text(`XFAIL (expected failure)${r.xfailReason === undefined ? '' : `: ${r.xfailReason}`}`)}</system-out>`,
        '    </testcase>',
      ];
    case 'xpass':
      return [
        `${open}>`,
        `      <failure type="XPASS" message="${attr('unexpectedly passed (marked xfail)')}">${text(body)}</failure>`,
        '    </testcase>',
      ];
    case 'fail': {
      const first = r.failures[0];
      const message = first === undefined ? 'failed' : `expectation failed: ${first.message}`;
      return [
        `${open}>`,
        `      <failure type="FAIL" message="${attr(message)}">${text(body)}</failure>`,
        '    </testcase>',
      ];
    }
    case 'error': {
      const first = r.diagnostics[0];
      const message =
        item.problem ??
        (first === undefined
          ? 'scenario could not run'
          : `${first.severity}[${first.code}]: ${first.message}`);
      return [
        `${open}>`,
        `      <error type="ERROR" message="${attr(message)}">${text(body)}</error>`,
        '    </testcase>',
      ];
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/F) are dropped.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;')
    .replace(/\r/g, '&#13;');
}
