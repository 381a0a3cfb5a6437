/**
 * `parse(text, uri)`: lexer → the shared parser (recovery on) → AST builder, in one pass that
 * collects every diagnostic. It never throws: an unexpected failure becomes a diagnostic.
 */
import type { ScenarioFile } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import type { Diagnostic } from './diagnostics.js';
import { compareDiagnostics, error } from './diagnostics.js';
import { FileAssembler } from './items.js';
import { lex } from './lexer.js';
import { LineIndex } from './loc.js';
import { parserDiagnostics, unclosedBraces } from './parse-errors.js';
import { PARSER_ERROR_LIMIT, parser } from './parser.js';

/** Reporting stops here (DMA113); a file with this many syntax errors is not a scenario. */
export const MAX_DIAGNOSTICS = PARSER_ERROR_LIMIT;

const builder = new AstBuilder();

export interface ParseResult {
  file: ScenarioFile;
  diagnostics: Diagnostic[];
}

export function parse(text: string, uri: string): ParseResult {
  const source = typeof text === 'string' ? text : '';
  const lines = new LineIndex(source);
  const diagnostics: Diagnostic[] = [];
  const assembler = new FileAssembler(diagnostics);
  let stoppedAt: number | undefined;
  try {
    const nul = source.indexOf('\0');
    if (nul >= 0) {
      diagnostics.push(
        error('DMA101', 'unexpected character U+0000: this looks like a binary file', lines.loc(nul, nul + 1), {
          hint: '`.dma` scenarios are text files',
        }),
      );
    } else {
      const lexed = lex(source, lines);
      diagnostics.push(...lexed.diagnostics);
      const braces = unclosedBraces(lexed.tokens, lines);
      const { cst, errors, stopped } = parser.parseTokens(lexed.tokens);
      const syntax = parserDiagnostics(errors, lines, braces.length > 0 || stopped);
      if (stopped) stoppedAt = syntax[syntax.length - 1]?.loc.startLine;
      diagnostics.push(...oneErrorPerLine(syntax, lexed.diagnostics));
      if (!stopped) diagnostics.push(...braces);
      builder.begin(lines, diagnostics, (items, stepLoc) => assembler.stepBody(items, stepLoc));
      for (const item of builder.scenarioFile(cst.children)) assembler.addTopLevel(item);
    }
  } catch (e) {
    diagnostics.push(internalError(e, lines));
  }
  const file: ScenarioFile = { uri, header: assembler.header, body: assembler.body, loc: lines.loc(0, source.length) };
  if (assembler.topology !== undefined) file.topology = assembler.topology;
  return { file, diagnostics: finish(diagnostics, stoppedAt) };
}

/**
 * Keeps the first parser error of a line and drops the rest, and drops parser errors on lines
 * that already have a lexical error: those are almost always knock-on effects.
 */
function oneErrorPerLine(syntax: Diagnostic[], lexical: Diagnostic[]): Diagnostic[] {
  const taken = new Set(lexical.map((d) => d.loc.startLine));
  const out: Diagnostic[] = [];
  for (const d of syntax) {
    if (taken.has(d.loc.startLine)) continue;
    taken.add(d.loc.startLine);
    out.push(d);
  }
  return out;
}

function internalError(e: unknown, lines: LineIndex): Diagnostic {
  if (e instanceof RangeError) {
    return error('DMA112', 'the input nests too deeply to parse', lines.loc(0, 0), {
      hint: 'parentheses and blocks may nest a few hundred levels at most',
    });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return error('DMA100', `internal parser error: ${detail}`, lines.loc(0, 0), {
    hint: 'this is a bug in @dmasim/scenario-dsl; please report it with the file that caused it',
  });
}

/** Sorts, and caps the list at MAX_DIAGNOSTICS with a closing DMA113. */
function finish(diagnostics: Diagnostic[], stoppedAt: number | undefined): Diagnostic[] {
  const sorted = diagnostics.sort(compareDiagnostics);
  if (sorted.length <= MAX_DIAGNOSTICS && stoppedAt === undefined) return sorted;
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const last = kept[kept.length - 1];
  const hidden = sorted.length - kept.length;
  const parts: string[] = [];
  if (hidden > 0) parts.push(`${hidden} more not shown`);
  if (stoppedAt !== undefined) parts.push(`parsing stopped at line ${stoppedAt}`);
  kept.push({
    code: 'DMA113',
    severity: 'warning',
    message: `too many errors: ${parts.join('; ')}`,
    loc: last?.loc ?? { startOffset: 0, endOffset: 0, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    hint: 'fix the first errors and parse again; is this really a `.dma` scenario?',
    notes: [],
  });
  return kept;
}
