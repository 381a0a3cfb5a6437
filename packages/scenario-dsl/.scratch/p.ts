import { parser } from '../src/parser.ts';
import { lex } from '../src/lexer.ts';
import { LineIndex } from '../src/loc.ts';
import { generateCstDts } from 'chevrotain';
const src = process.argv[2] ?? '';
if (src === 'DTS') { console.log(generateCstDts(parser.getGAstProductions())); process.exit(0); }
const r = lex(src, new LineIndex(src));
const cst = parser.parseTokens(r.tokens);
for (const e of parser.errors) console.log(e.name, JSON.stringify(e.message), e.token.tokenType.name, e.token.startOffset, e.context.ruleStack.join('>'));
console.log(JSON.stringify(cst, (k, v) => k === 'tokenType' ? v.name : (k==='location'?undefined:v)).slice(0, 3000));
