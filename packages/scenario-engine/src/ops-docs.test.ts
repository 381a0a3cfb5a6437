import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEngineDiagnosticsDoc } from './diagnostics-docs.js';
import { runScenario } from './run.js';
import { renderOpsDoc } from './ops-docs.js';

describe('docs/dsl/ops.md', () => {
  it('is up to date with the op registry (regenerate: node scripts/dmasim-node.mjs packages/scenario-engine/scripts/gen-ops-docs.ts)', () => {
    const committed = readFileSync(new URL('../../../docs/dsl/ops.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderOpsDoc());
  });
});

describe('docs/dsl/engine-diagnostics.md', () => {
  it('is up to date with the engine code table', () => {
    const committed = readFileSync(new URL('../../../docs/dsl/engine-diagnostics.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderEngineDiagnosticsDoc());
  });
  it("each example really produces its code", () => {
    const doc = renderEngineDiagnosticsDoc();
    for (const m of doc.matchAll(/## (DMA\d{3}):[^]*?```\n(.*)\n```/g)) {
      const [, code, line] = m;
      const header = line!.startsWith('kernel') || line!.startsWith('platform') || line!.startsWith('variant') || line!.startsWith('requires');
      const src = header
        ? `scenario "x"\n${line!}\ntopology {\n  device 00:19.0 class=nic id=8086:15bc\n}\n`
        : `scenario "x"\ntopology {\n  device 00:19.0 class=nic id=8086:15bc\n}\nbuf = kmalloc 4K\nubuf = user.mmap 4K\nc = vfio.container\n${line!}\n`;
      const codes = runScenario(src, 'doc.dma').flatMap((r) => r.diagnostics.map((d) => d.code));
      expect(codes, `${code!}: ${line!}`).toContain(code);
    }
  });
});
