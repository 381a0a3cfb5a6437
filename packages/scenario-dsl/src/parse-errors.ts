/**
 * Chevrotain recognition exceptions → diagnostics with stable codes, plus the unclosed-brace
 * check (DMA106) done on the token stream so its note can point at the opening brace.
 */
import { EOF, tokenMatcher } from 'chevrotain';
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Diagnostic } from './diagnostics.js';
import { error } from './diagnostics.js';
import { tokenEnd } from './lexer.js';
import type { LineIndex } from './loc.js';
import * as T from './tokens.js';

function isEndOfInput(t: IToken): boolean {
  return t.tokenType === EOF || Number.isNaN(t.startOffset) || (tokenMatcher(t, T.Newline) && t.image === '');
}

/** DMA106 for each `{` still open at the end of the file, innermost first. */
export function unclosedBraces(tokens: IToken[], lines: LineIndex): Diagnostic[] {
  const open: IToken[] = [];
  let lastReal: IToken | undefined;
  for (const t of tokens) {
    if (t.tokenType === T.LBrace) open.push(t);
    else if (tokenMatcher(t, T.RBrace)) open.pop();
    if (!tokenMatcher(t, T.Newline) && t.image !== '') lastReal = t;
  }
  const end = lastReal === undefined ? 0 : tokenEnd(lastReal);
  return open.reverse().map((brace) =>
    error('DMA106', 'unclosed `{`: the file ends before its `}`', lines.loc(end, end), {
      hint: 'add a line with `}` where the block ends',
      notes: [{ message: 'the block opened here', loc: lines.loc(brace.startOffset, brace.startOffset + 1) }],
    }),
  );
}

/**
 * One diagnostic per recognition error. An error at the end of the input is dropped when it is a
 * knock-on effect: of an unclosed brace (DMA106), of an earlier error, or of parsing having stopped.
 */
export function parserDiagnostics(errors: IRecognitionException[], lines: LineIndex, dropEndOfInput: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const token = e.token;
    if ((dropEndOfInput || out.length > 0) && isEndOfInput(token)) continue;
    const rule = e.context.ruleStack[e.context.ruleStack.length - 1];
    const start = isEndOfInput(token) ? lines.length : token.startOffset;
    const end = isEndOfInput(token) || tokenMatcher(token, T.Newline) ? start : tokenEnd(token);
    let loc = lines.loc(start, end);
    let code = 'DMA105';
    let hint: string | undefined;
    if (rule === 'outcome' && e.name === 'NoViableAltException') {
      code = 'DMA102';
      hint = 'write `=> ok` if the call must succeed, or drop the `=>` if any outcome will do';
      // point at the `=>` when nothing follows it on the line
      const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
      if (prev !== undefined && prev.tokenType === T.Arrow && start === end) loc = lines.loc(prev.startOffset, tokenEnd(prev));
    }
    out.push(error(code, e.message, loc, hint === undefined ? {} : { hint }));
  }
  return out;
}
