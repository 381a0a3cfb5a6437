import { writeFileSync } from 'node:fs';
import { renderEngineDiagnosticsDoc } from '../src/diagnostics-docs.js';
import { renderOpsDoc } from '../src/ops-docs.js';

const target = new URL('../../../docs/dsl/ops.md', import.meta.url);
writeFileSync(target, renderOpsDoc());
console.log(`wrote ${target.pathname}`);

const diag = new URL('../../../docs/dsl/engine-diagnostics.md', import.meta.url);
writeFileSync(diag, renderEngineDiagnosticsDoc());
console.log(`wrote ${diag.pathname}`);
