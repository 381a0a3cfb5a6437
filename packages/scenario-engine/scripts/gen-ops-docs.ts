import { writeFileSync } from 'node:fs';
import { renderOpsDoc } from '../src/ops-docs.js';

const target = new URL('../../../docs/dsl/ops.md', import.meta.url);
writeFileSync(target, renderOpsDoc());
console.log(`wrote ${target.pathname}`);
