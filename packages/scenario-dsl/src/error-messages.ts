/**
 * Parser error messages in the user's terms: "expected a PCI address like `01:00.0`, found the
 * end of the line", never raw token type names such as `Newline` or `Identifier`.
 */
import { EOF, tokenMatcher } from 'chevrotain';
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import * as T from './tokens.js';

const EXPECTED: ReadonlyMap<TokenType, string> = new Map<TokenType, string>([
  [T.Newline, 'the end of the line'],
  [T.Identifier, 'a name'],
  [T.Word, 'a name'],
  [T.StringLiteral, 'a string in double quotes'],
  [T.NumberLiteral, 'a number'],
  [T.Size, 'a size like `4K`'],
  [T.Bdf, 'a PCI address like `01:00.0`'],
  [T.PciId, 'a vendor:device ID like `8086:1533`'],
  [T.Version, 'a kernel release like `6.12`'],
  [T.ByteGroup, 'a byte pattern like `a5a5 ****`'],
  [T.AppendKey, 'a `key+=` attribute'],
  [T.AdditiveOperator, '`+` or `-`'],
  [T.Comparison, '`==` or `!=`'],
  [EOF, 'the end of the file'],
]);

/** Token types never worth listing as an alternative (they only exist to report errors). */
const UNLISTED: ReadonlySet<TokenType> = new Set([T.BadNumber]);

export function describeExpected(t: TokenType): string {
  return EXPECTED.get(t) ?? `\`${t.LABEL ?? t.name}\``;
}

/** What was found, for "…, found X". */
export function describeActual(tok: IToken): string {
  const t = tok.tokenType;
  if (t === EOF) return 'the end of the file';
  if (tokenMatcher(tok, T.Newline)) return tok.image === '' ? 'the end of the file' : 'the end of the line';
  const image = tok.image.length > 40 ? `${tok.image.slice(0, 39)}…` : tok.image;
  if (tokenMatcher(tok, T.StringLiteral)) return `the string ${image}`;
  if (t === T.Version) return `the kernel release \`${image}\``;
  if (t === T.NumberLiteral || t === T.Size) return `the number \`${image}\``;
  if (t === T.Bdf) return `the PCI address \`${image}\``;
  if (t === T.PciId) return `the ID \`${image}\``;
  if (tokenMatcher(tok, T.Word) && t !== T.Identifier) return `the keyword \`${image}\``;
  return `\`${image}\``;
}

/** Wording for a missing token in a given rule, when the generic one would be vague. */
const IN_RULE: Readonly<Record<string, string>> = {
  'scenarioLine:StringLiteral': 'expected the scenario title in double quotes after `scenario`',
  'kernelLine:Version': 'expected a kernel release like `6.12` after `kernel`',
  'platformLine:Identifier': 'expected a platform name like `intel-vtd` after `platform`',
  'bootLine:StringLiteral': 'expected the kernel command line in double quotes after `boot`',
  'xfailLine:StringLiteral': 'expected the reason in double quotes after `xfail`',
  'variantLine:Identifier': 'expected a variant name after `variant`',
  'stepBlock:StringLiteral': 'expected the step title in double quotes after `step`',
  'stepBlock:LBrace': 'expected `{` after the step title',
  'nodeBlock:LBrace': 'expected `{` after `topology`',
  'opStatement:Identifier': 'expected an operation name after `=`',
  'callArguments:RParen': 'expected `)` to close the argument list',
  'term:RParen': 'expected `)`',
  'argument:Equals': 'expected `=`',
  'expectStatement:Comparison': 'expected `==` or `!=` after the value in `expect`',
  'expectStatement:Log': 'expected `log` after `expect not`',
  'expectStatement:StringLiteral': 'expected the log line in double quotes',
  'outcome:Identifier': 'expected a name after `as`',
};

const VALUE = 'a value (a number, size, PCI address, string, name or `(`)';
const OUTCOME = 'an outcome after `=>` (ok | error ERRNO | fault … | iova … | bytes …)';
const STATEMENT = 'a statement (a header line, `topology`, `step`, `expect`, or an operation)';

function expectedMessage(expected: TokenType, actual: IToken, previous: IToken | undefined, ruleName: string): string {
  const found = describeActual(actual);
  if (expected === T.Newline) {
    if (previous?.tokenType === T.LBrace) {
      return `expected the end of the line after \`{\`, found ${found}; put each statement on its own line`;
    }
    return `expected the end of the line, found ${found}`;
  }
  if (expected === EOF || expected === T.RBrace) {
    if (actual.tokenType === T.RBrace || actual.tokenType === T.BytesRBrace) {
      return 'unexpected `}`: no block is open here';
    }
    if (ruleName === 'nodeBlock') return `expected a topology node like \`device 01:00.0\` or \`}\`, found ${found}`;
    const orClose = expected === T.RBrace ? ' or `}` to close the block' : '';
    return `expected ${STATEMENT}${orClose}, found ${found}`;
  }
  const specific = IN_RULE[`${ruleName}:${expected.name}`];
  if (specific !== undefined) return `${specific}, found ${found}`;
  return `expected ${describeExpected(expected)}, found ${found}`;
}

function listAlternatives(types: Iterable<TokenType>): string {
  const seen = new Set<string>();
  for (const t of types) if (!UNLISTED.has(t)) seen.add(describeExpected(t));
  const all = [...seen];
  if (all.length <= 1) return all[0] ?? 'something else';
  return `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]!}`;
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    return expectedMessage(expected, actual, previous, ruleName);
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (firstRedundant.tokenType === T.RBrace) return 'unexpected `}`: no block is open here';
    return `expected ${STATEMENT}, found ${describeActual(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const first = actual[0];
    const found = first === undefined ? 'the end of the file' : describeActual(first);
    if (ruleName === 'outcome') {
      return first !== undefined && tokenMatcher(first, T.Newline) ? `expected ${OUTCOME}` : `expected ${OUTCOME}, found ${found}`;
    }
    if (ruleName === 'term') return `expected ${VALUE}, found ${found}`;
    if (ruleName === 'item') return `expected ${STATEMENT}, found ${found}`;
    const starts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter((t) => t !== undefined);
    if (ruleName === 'expectStatement') {
      return `expected a comparison (\`expect a == b\`) or \`log "…"\` after \`expect\`, found ${found}`;
    }
    return `expected ${listAlternatives(starts)}, found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const first = actual[0];
    const found = first === undefined ? 'the end of the file' : describeActual(first);
    if (ruleName === 'outcome') return `expected a byte pattern like \`a5a5 ****\` after \`bytes\`, found ${found}`;
    const starts = expectedIterationPaths.map((path) => path[0]).filter((t) => t !== undefined);
    return `expected ${listAlternatives(starts)}, found ${found}`;
  },
};
