/**
 * Every syntax diagnostic code, with a one-line title and an explanation. The same codes are
 * documented with examples in docs/dsl/diagnostics.md (a test keeps the two in step).
 */
import type { DiagnosticCodeInfo } from './diagnostics.js';

export const syntaxDiagnosticCodes: Readonly<Record<string, DiagnosticCodeInfo>> = Object.freeze({
  DMA100: {
    title: 'internal parser error',
    explanation:
      'The parser hit a condition it does not expect. The file may be fine; please report it with the input that caused it.',
  },
  DMA101: {
    title: 'unexpected character',
    explanation:
      'A character that cannot start any token, such as `$`, `;`, `@` or a non-ASCII letter outside a string. Remove it, or put text in double quotes.',
  },
  DMA102: {
    title: 'missing outcome after `=>`',
    explanation:
      'An operation ends with `=>` but no outcome follows. Write one of `ok`, `error ERRNO`, `fault …`, `iova …`, `value …` or `bytes …`, or drop the `=>`.',
  },
  DMA103: {
    title: 'unterminated string',
    explanation:
      'A string starts with `"` but the line ends before the closing `"`. Strings cannot span lines.',
  },
  DMA104: {
    title: 'header line after statements',
    explanation:
      'Header lines (`scenario`, `kernel`, `platform`, `boot`, `memory`, `kconfig`, `xfail`, `requires`, `variant`) describe the machine before anything runs, so they must all come before the topology block, the first step and the first statement.',
  },
  DMA105: {
    title: 'unexpected token',
    explanation:
      'The parser found something it did not expect at this place; the message says what it expected instead.',
  },
  DMA106: {
    title: 'unclosed `{`',
    explanation:
      'A `topology`, node or `step` block is opened with `{` and the file ends before its closing `}`. The note points at the opening brace.',
  },
  DMA107: {
    title: 'duplicate header line',
    explanation:
      'A header line that takes a single value (`scenario`, `kernel`, `platform`, `memory`, `xfail`), the `topology` block or a variant name appears twice. The note points at the first one. `boot`, `kconfig` and `requires` may repeat.',
  },
  DMA108: {
    title: 'malformed number, size, PCI address, ID or byte pattern',
    explanation:
      'A literal that starts like a number but is not one of: a decimal or `0x` hex number (with `_` between digits), a size (`4K`, `2M`, `1G`, `1T`), a PCI address `[dddd:]bb:dd.f` (device 0–1f, function 0–7), a `vendor:device` ID (`8086:1533`) or a kernel release (`6.12`). Also reported for numbers above 2^64-1 and for byte patterns that are not whole bytes of hex digits and `*`.',
  },
  DMA109: {
    title: 'block inside a step',
    explanation:
      'Steps do not nest, and the topology is described once at the top level. Usually a `}` closing the previous step is missing.',
  },
  DMA110: {
    title: 'invalid escape in a string',
    explanation: 'Inside a string only `\\"` (a quote) and `\\\\` (a backslash) are escapes.',
  },
  DMA111: {
    title: '`error` outcome without an errno',
    explanation:
      'An `=> error` outcome names the errno the operation must fail with, as one name such as `EEXIST`, `EINVAL` or `ENOENT`.',
  },
  DMA112: {
    title: 'nesting too deep',
    explanation:
      'Parentheses or blocks nest deeper than the parser supports. Real scenarios never need more than a few levels.',
  },
  DMA113: {
    title: 'too many diagnostics',
    explanation:
      'The file has so many syntax errors that the rest are not reported. Fix the first ones and parse again; the file is probably not a `.dma` scenario.',
  },
});

/**
 * All known codes. The scenario engine may extend this table with DMA2xx and DMA3xx codes; use
 * `syntaxDiagnosticCodes` for the parser's own.
 */
export const diagnosticCodes: Readonly<Record<string, DiagnosticCodeInfo>> = syntaxDiagnosticCodes;
