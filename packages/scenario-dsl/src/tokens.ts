/**
 * Token types of the `.dma` language, in lexing order. Only `createToken` calls live here.
 *
 * The language is line-oriented: newlines are tokens, spaces and `#` comments are skipped.
 * Names of ops, topology node kinds and attributes are plain identifiers; the only reserved
 * words are the header and block keywords below plus `expect`, `log`, `not` and `as`.
 *
 * Numeric-looking tokens are ordered BDF → vendor:device ID → version → size → number, and each
 * has `longer_alt: BadNumber`, so `0x10zz` or `4Kb` lex as one malformed token (DMA108)
 * instead of a number followed by a stray name.
 */
import { Lexer, createToken } from 'chevrotain';
import type { IToken, TokenType } from 'chevrotain';

// ---- categories (never produced by the lexer itself) -------------------------------------

/** Anything usable as an attribute or argument key: identifiers and keywords. */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA, label: 'name' });
/** A double-quoted string, terminated or not (an unterminated one is reported as DMA103). */
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: Lexer.NA, label: 'string' });
/** `+` or `-` between terms (one category keeps their order in the CST). */
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA, label: '+ or -' });
/** `==` or `!=` in `expect`. */
export const Comparison = createToken({ name: 'Comparison', pattern: Lexer.NA, label: '== or !=' });
/** One group of a byte pattern after `=> bytes`. */
export const ByteGroup = createToken({ name: 'ByteGroup', pattern: Lexer.NA, label: 'byte group' });

// ---- layout -------------------------------------------------------------------------------

export const Newline = createToken({
  name: 'Newline',
  pattern: /\r\n?|\n/,
  line_breaks: true,
  label: 'end of line',
});
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: Lexer.SKIPPED });

// ---- strings ------------------------------------------------------------------------------

export const StringToken = createToken({
  name: 'String',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringLiteral],
  label: 'string',
});
/** A string that reaches the end of its line without a closing quote. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: 'string',
});

// ---- punctuation (longest first) ------------------------------------------------------------

/** `=>` introduces an outcome; `bytes` right after it switches the lexer to byte patterns. */
export const Arrow = createToken({ name: 'Arrow', pattern: /=>/, label: '=>' });
export const EqualEqual = createToken({ name: 'EqualEqual', pattern: /==/, categories: [Comparison], label: '==' });
export const NotEqual = createToken({ name: 'NotEqual', pattern: /!=/, categories: [Comparison], label: '!=' });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: '=' });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [AdditiveOperator], label: '+' });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [AdditiveOperator], label: '-' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: ',' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '(' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: ')' });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: '{' });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: '}' });

// ---- numbers --------------------------------------------------------------------------------

/** Anything that starts with a digit and runs on with word characters, `.` or `:` (DMA108). */
export const BadNumber = createToken({
  name: 'BadNumber',
  pattern: /[0-9][0-9A-Za-z_.:]*/,
  label: 'malformed number',
});
/**
 * `[segment:]bus:dev.fn`, hex fields, as drivers/pci/pci.c pci_dev_str_match_path reads them.
 * Field ranges (dev ≤ 0x1f, fn ≤ 7) are checked when the AST is built.
 */
export const Bdf = createToken({
  name: 'Bdf',
  pattern: /(?:[0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-9a-fA-F]/,
  longer_alt: BadNumber,
  label: 'PCI address',
});
/** `vendor:device`, four hex digits each (lspci -n style). */
export const PciId = createToken({
  name: 'PciId',
  pattern: /[0-9a-fA-F]{4}:[0-9a-fA-F]{4}/,
  longer_alt: BadNumber,
  label: 'vendor:device ID',
});
/** A kernel release such as `6.12` or `6.1.55`; only valid after `kernel`. */
export const Version = createToken({
  name: 'Version',
  pattern: /[0-9]+\.[0-9]+(?:\.[0-9]+)?/,
  longer_alt: BadNumber,
  label: 'kernel release',
});
/** A byte count with a binary suffix, like lib/cmdline.c memparse: K, M, G, T. */
export const Size = createToken({
  name: 'Size',
  pattern: /(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*)[KMGT]/,
  longer_alt: BadNumber,
  label: 'size',
});
export const NumberLiteral = createToken({
  name: 'Number',
  pattern: /0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*/,
  longer_alt: BadNumber,
  label: 'number',
});

// ---- names ----------------------------------------------------------------------------------

const NAME = '[A-Za-z_][A-Za-z0-9_]*(?:[-.][A-Za-z0-9_]+)*';

/** `key+=` (append to a header value in a variant, e.g. `boot+="iommu.strict=0"`). */
export const AppendKey = createToken({
  name: 'AppendKey',
  pattern: new RegExp(`${NAME}\\+=`),
  label: 'key+=',
});
/** Names: may contain `_`, digits, and inner `-` or `.` (`to-device`, `dma.map_single`). */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: new RegExp(NAME),
  categories: [Word],
  label: 'name',
});

function keyword(word: string, name: string): TokenType {
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Word],
    label: word,
  });
}

export const Scenario = keyword('scenario', 'Scenario');
export const Kernel = keyword('kernel', 'Kernel');
export const Platform = keyword('platform', 'Platform');
export const Boot = keyword('boot', 'Boot');
export const Memory = keyword('memory', 'Memory');
export const Kconfig = keyword('kconfig', 'Kconfig');
export const Xfail = keyword('xfail', 'Xfail');
export const Requires = keyword('requires', 'Requires');
export const Variant = keyword('variant', 'Variant');
export const Topology = keyword('topology', 'Topology');
export const Step = keyword('step', 'Step');
export const Expect = keyword('expect', 'Expect');
export const Log = keyword('log', 'Log');
export const Not = keyword('not', 'Not');
export const As = keyword('as', 'As');

export const headerKeywords: readonly TokenType[] = [
  Scenario,
  Kernel,
  Platform,
  Boot,
  Memory,
  Kconfig,
  Xfail,
  Requires,
  Variant,
];

// ---- byte patterns --------------------------------------------------------------------------

const BYTES_RE = /bytes(?![A-Za-z0-9_]|[-.][A-Za-z0-9_])/y;

/**
 * `bytes`, but only right after `=>`: the rest of the line is then lexed in `bytes` mode, where
 * `a5a5` and `00ff` are byte groups rather than names or numbers.
 */
export const BytesKeyword = createToken({
  name: 'Bytes',
  pattern: (text: string, offset: number, tokens: IToken[]) => {
    const prev = tokens[tokens.length - 1];
    if (prev?.tokenType !== Arrow) return null;
    BYTES_RE.lastIndex = offset;
    return BYTES_RE.exec(text);
  },
  start_chars_hint: ['b'],
  line_breaks: false,
  push_mode: 'bytes',
  label: 'bytes',
});
/** Any other printable run inside a byte pattern (DMA108); `#` and `}` still end the pattern. */
export const BadBytes = createToken({
  name: 'BadBytes',
  pattern: /[\x21\x22\x24-\x7c\x7e]+/,
  categories: [ByteGroup],
  label: 'byte group',
});
/** `as` ends a byte pattern and returns to normal lexing for the binding name. */
export const BytesAs = createToken({
  name: 'BytesAs',
  pattern: /as/,
  longer_alt: BadBytes,
  categories: [As],
  pop_mode: true,
  label: 'as',
});
export const HexBytes = createToken({
  name: 'HexBytes',
  pattern: /[0-9a-fA-F*]+/,
  categories: [ByteGroup],
  longer_alt: BadBytes,
  label: 'byte group',
});
export const BytesNewline = createToken({
  name: 'BytesNewline',
  pattern: /\r\n?|\n/,
  line_breaks: true,
  categories: [Newline],
  pop_mode: true,
  label: 'end of line',
});
export const BytesRBrace = createToken({
  name: 'BytesRBrace',
  pattern: /\}/,
  categories: [RBrace],
  pop_mode: true,
  label: '}',
});

/** Default-mode tokens in lexing order. */
export const defaultModeTokens: TokenType[] = [
  Newline,
  WhiteSpace,
  Comment,
  StringToken,
  UnterminatedString,
  Arrow,
  EqualEqual,
  NotEqual,
  Equals,
  Plus,
  Minus,
  Comma,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Bdf,
  PciId,
  Version,
  Size,
  NumberLiteral,
  BadNumber,
  AppendKey,
  BytesKeyword,
  Scenario,
  Kernel,
  Platform,
  Boot,
  Memory,
  Kconfig,
  Xfail,
  Requires,
  Variant,
  Topology,
  Step,
  Expect,
  Log,
  Not,
  As,
  Identifier,
];

/** Tokens after `=> bytes` up to the end of the line (or `as`). */
export const bytesModeTokens: TokenType[] = [
  BytesNewline,
  WhiteSpace,
  Comment,
  BytesRBrace,
  BytesAs,
  HexBytes,
  BadBytes,
];

/** Every token type the parser knows, categories included. */
export const allTokens: TokenType[] = [
  Word,
  StringLiteral,
  AdditiveOperator,
  Comparison,
  ByteGroup,
  ...defaultModeTokens,
  BytesAs,
  HexBytes,
  BadBytes,
  BytesNewline,
  BytesRBrace,
];
