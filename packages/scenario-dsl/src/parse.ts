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
import { parser } from './parser.js';

/** Reporting stops here (DMA113); a file with this many syntax errors is not a scenario. */
export const MAX_DIAGNOSTICS = 100;

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
  try {
    const lexed = lex(source, lines);
    diagnostics.push(...lexed.diagnostics);
    const braces = unclosedBraces(lexed.tokens, lines);
    const cst = parser.parseTokens(lexed.tokens);
    const syntax = parserDiagnostics(parser.errors, lines, braces.length > 0);
    diagnostics.push(...oneErrorPerLine(syntax, lexed.diagnostics), ...braces);
    builder.begin(lines, diagnostics, (items, stepLoc) => assembler.stepBody(items, stepLoc));
    for (const item of builder.scenarioFile(cst.children)) assembler.addTopLevel(item);
  } catch (e) {
    diagnostics.push(internalError(e, lines));
  }
  const file: ScenarioFile = { uri, header: assembler.header, body: assembler.body, loc: lines.loc(0, source.length) };
  if (assembler.topology !== undefined) file.topology = assembler.topology;
  return { file, diagnostics: finish(diagnostics) };
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

function finish(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = diagnostics.sort(compareDiagnostics);
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const next = sorted[MAX_DIAGNOSTICS]!;
  kept.push({
    code: 'DMA113',
    severity: 'warning',
    message: `too many errors: ${sorted.length - MAX_DIAGNOSTICS} more not shown`,
    loc: next.loc,
    hint: 'fix the first errors and parse again',
    notes: [],
  });
  return kept;
}
