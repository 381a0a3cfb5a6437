import { describe, expect, it } from 'vitest';
import { defaultEngine } from './default-engine.js';

// Runs against the real @dmasim/scenario-dsl (on source): checks the adapter, not the DSL's wording.
describe('defaultEngine', () => {
  it('loads once and reads a title and variants from a file header', async () => {
    const engine = await defaultEngine();
    expect(await defaultEngine()).toBe(engine);
    const header = engine.readHeader?.(
      'scenario "maps a buffer"\nvariant lazy boot+="iommu.strict=0"\n',
      'x.dma',
    );
    expect(header).toEqual({ title: 'maps a buffer', variants: ['lazy'] });
    expect(engine.readHeader?.('# no header\n', 'y.dma')).toEqual({ variants: [] });
  });

  it('documents the syntax codes the DSL reports', async () => {
    const engine = await defaultEngine();
    expect(Object.keys(engine.diagnosticCodes)).toContain('DMA102');
    expect(engine.diagnosticCodes.DMA102?.explanation.length).toBeGreaterThan(0);
  });
});
