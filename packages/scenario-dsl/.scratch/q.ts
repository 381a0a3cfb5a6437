import { parse } from '../src/parse.ts';
const src = process.argv[2] ?? '';
const r = parse(src, 'x.dma');
console.log(JSON.stringify(r.file, (k, v) => typeof v === 'bigint' ? v.toString()+'n' : (k==='loc'||k.endsWith('Loc')) ? `${v.startLine}:${v.startColumn}-${v.endLine}:${v.endColumn}` : v, 1).replace(/\n\s*/g,' '));
for (const d of r.diagnostics) console.log(d.code, `${d.loc.startLine}:${d.loc.startColumn}-${d.loc.endLine}:${d.loc.endColumn}`, d.message, d.notes.map(n=>n.message + (n.loc? `@${n.loc.startLine}:${n.loc.startColumn}`:'')).join('|'));
