/**
 * The `.dma` lexer: one Chevrotain `Lexer` built at module load and reused. `lex` also reports
 * lexical problems (DMA101, DMA103, DMA108, DMA110) and appends a final newline token, so every
 * line — the last one included — ends with a `Newline`.
 */
import { Lexer, createTokenInstance, tokenMatcher } from 'chevrotain';
import type { ILexerConfig, IMultiModeLexerDefinition, IToken } from 'chevrotain';
import type { LineIndex } from './loc.js';
import { error } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { U64_MAX, badNumberHint, bdfFields, integerValue, sizeValue, stringValue } from './literals.js';
import {
  BadBytes,
  BadNumber,
  Bdf,
  Newline,
  NumberLiteral,
  Size,
  StringToken,
  UnterminatedString,
  bytesModeTokens,
  defaultModeTokens,
} from './tokens.js';

export const lexerDefinition: IMultiModeLexerDefinition = {
  modes: { default: defaultModeTokens, bytes: bytesModeTokens },
  defaultMode: 'default',
};

// full tracking gives tokens their end offsets, which the parser's node locations are built from
export const lexerConfig: ILexerConfig = { positionTracking: 'full' };

const dmaLexer = new Lexer(lexerDefinition, lexerConfig);

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

export function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

export function lex(text: string, lines: LineIndex): LexResult {
  const result = dmaLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const bad = text.slice(e.offset, e.offset + e.length);
    const what = describeChars(bad);
    diagnostics.push(
      error('DMA101', `unexpected ${Array.from(bad).length > 1 ? 'characters' : 'character'} ${what}`, lines.loc(e.offset, e.offset + e.length), {
        hint: 'names use letters, digits, `_`, `-` and `.`; put other text in double quotes',
      }),
    );
  }
  for (const t of result.tokens) checkToken(t, lines, diagnostics);
  const tokens = result.tokens;
  const last = tokens[tokens.length - 1];
  if (last === undefined || !tokenMatcher(last, Newline)) {
    const end = text.length;
    tokens.push(createTokenInstance(Newline, '', end, end, NaN, NaN, NaN, NaN));
  }
  return { tokens, diagnostics };
}

/** `$`, or `U+0007` for characters that would not print. */
function describeChars(s: string): string {
  const chars = Array.from(s);
  const shown = chars.slice(0, 12);
  const printable = shown.every((c) => /^[\x21-\x7e\u00a1-\uffff]$/u.test(c) && !/[\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff\ufffd]/u.test(c));
  const more = chars.length > shown.length ? '…' : '';
  if (printable) return `\`${shown.join('')}${more}\``;
  return shown.map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`).join(' ') + more;
}

function checkToken(t: IToken, lines: LineIndex, out: Diagnostic[]): void {
  const type = t.tokenType;
  switch (type) {
    case BadNumber:
      out.push(error('DMA108', `malformed number \`${t.image}\``, lines.loc(t.startOffset, tokenEnd(t)), { hint: badNumberHint(t.image) }));
      return;
    case NumberLiteral:
      if (integerValue(t.image) > U64_MAX) out.push(tooBig(t, lines.loc(t.startOffset, tokenEnd(t))));
      return;
    case Size:
      if (sizeValue(t.image) > U64_MAX) out.push(tooBig(t, lines.loc(t.startOffset, tokenEnd(t))));
      return;
    case Bdf: {
      const { problem } = bdfFields(t.image);
      if (problem !== undefined) {
        out.push(
          error('DMA108', `malformed PCI address \`${t.image}\`: ${problem}`, lines.loc(t.startOffset, tokenEnd(t)), {
            hint: 'a PCI address is `[segment:]bus:device.function` in hex, with device 00–1f and function 0–7',
          }),
        );
      }
      return;
    }
    case BadBytes:
      out.push(
        error('DMA108', `malformed byte pattern \`${t.image}\``, lines.loc(t.startOffset, tokenEnd(t)), {
          hint: 'a byte pattern is hex digits and `*` (a don\'t-care nibble), e.g. `a5a5a5a5 ****`',
        }),
      );
      return;
    case UnterminatedString:
      out.push(
        error('DMA103', 'unterminated string', lines.loc(t.startOffset, tokenEnd(t)), {
          hint: 'add the closing `"`; strings end on the line they start (write `\\"` for a quote inside)',
        }),
      );
      checkEscapes(t, false, lines, out);
      return;
    case StringToken:
      if (t.image.includes('\\')) checkEscapes(t, true, lines, out);
      return;
    default:
      return;
  }
}

function checkEscapes(t: IToken, closed: boolean, lines: LineIndex, out: Diagnostic[]): void {
  for (const bad of stringValue(t.image, closed).badEscapes) {
    const at = t.startOffset + bad.offset;
    out.push(
      error('DMA110', `invalid escape \`${bad.text}\` in a string`, lines.loc(at, at + bad.text.length), {
        hint: 'only `\\"` and `\\\\` are escapes; write `\\\\` for a backslash',
      }),
    );
  }
}

function tooBig(t: IToken, loc: ReturnType<LineIndex['loc']>): Diagnostic {
  return error('DMA108', `number \`${t.image}\` does not fit in 64 bits`, loc, {
    hint: `the largest value is 0xffff_ffff_ffff_ffff (${U64_MAX})`,
  });
}
