export { parse, MAX_DIAGNOSTICS } from './parse.js';
export type { ParseResult } from './parse.js';
export { formatCodeFrame, formatDiagnostic } from './format.js';
export type { CodeFrameOptions, FormatOptions } from './format.js';
export { diagnosticCodes, syntaxDiagnosticCodes } from './diagnostic-codes.js';
export type { Diagnostic, DiagnosticCodeInfo, DiagnosticNote } from './diagnostics.js';
export type {
  Arg,
  Attr,
  BdfExpr,
  Expr,
  Header,
  HeaderLine,
  Loc,
  Outcome,
  PlatformLine,
  ScenarioFile,
  Stmt,
  TopologyNode,
  VariantLine,
} from './ast.js';
