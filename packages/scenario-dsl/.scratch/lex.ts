import { Lexer } from 'chevrotain';
import { lex, lexerDefinition } from '../src/lexer.ts';
import { LineIndex } from '../src/loc.ts';
new Lexer(lexerDefinition, { ensureOptimizations: true, positionTracking: 'onlyOffset' });
const src = process.argv[2] ?? '';
const r = lex(src, new LineIndex(src));
console.log(r.tokens.map(t => `${t.tokenType.name}(${JSON.stringify(t.image)})@${t.startOffset}`).join(' '));
console.log(JSON.stringify(r.diagnostics.map(d => [d.code, d.message, d.loc.startColumn, d.loc.endColumn])));
