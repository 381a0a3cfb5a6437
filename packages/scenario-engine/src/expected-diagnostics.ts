import type { Diagnostic } from '@dmasim/scenario-dsl';

/**
 * Files under test for their diagnostics say what they expect inline: a comment
 * `### DMA201 DMA302` on the line the diagnostic points at. Such a file passes
 * when exactly those (line, code) pairs are reported.
 */
export function expectedDiagnostics(source: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  source.split('\n').forEach((line, i) => {
    const m = /###\s*((?:DMA\d{3}\s*)+)/.exec(line);
    if (m) out.set(i + 1, m[1]!.trim().split(/\s+/));
  });
  return out;
}

export function compareDiagnosticsToExpected(
  expected: Map<number, string[]>,
  actual: readonly Diagnostic[],
): { missing: string[]; unexpected: Diagnostic[] } {
  const remaining = new Map([...expected].map(([l, cs]) => [l, [...cs]]));
  const unexpected: Diagnostic[] = [];
  for (const d of actual) {
    const list = remaining.get(d.loc.startLine);
    const i = list?.indexOf(d.code) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    else unexpected.push(d);
  }
  const missing: string[] = [];
  for (const [line, cs] of remaining) for (const c of cs) missing.push(`line ${line}: ${c}`);
  return { missing, unexpected };
}
