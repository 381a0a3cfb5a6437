/**
 * The `.dma` grammar as a Chevrotain `CstParser`. One instance is built at module load and reused
 * for every file (Chevrotain's performance guide: never build a parser per input).
 *
 * The grammar is generic on purpose: operation names, topology node kinds and attribute keys are
 * plain names that the scenario engine checks against its op registry. Every line ends with a
 * newline token (the lexer adds one at the end of the file), which is also where error recovery
 * re-synchronises, so one broken line never hides errors on the next.
 */
import { CstParser } from 'chevrotain';
import type { CstNode, IOrAlt, IRecognitionException, IToken } from 'chevrotain';
import { errorMessageProvider } from './error-messages.js';
import * as T from './tokens.js';

/** Parsing stops after this many syntax errors: the file is not a scenario, and recovery costs. */
export const PARSER_ERROR_LIMIT = 100;

export interface ParserOutput {
  cst: CstNode;
  errors: IRecognitionException[];
  /** True when parsing stopped early at PARSER_ERROR_LIMIT errors. */
  stopped: boolean;
}

export class DmaParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider, maxLookahead: 3, nodeLocationTracking: 'onlyOffset' });
    this.performSelfAnalysis();
  }

  /** The errors of the current parse (Chevrotain's `errors` getter copies; this does not). */
  private collected: IRecognitionException[] = [];
  /** Gate on every line loop: past the limit the loops end and the rest is skipped at once. */
  private readonly belowErrorLimit = (): boolean => this.collected.length < PARSER_ERROR_LIMIT;

  /**
   * file := (item? NEWLINE)* — blank and comment-only lines are just a newline. The newline is
   * consumed here, right after the item, so that the only place error recovery can resume after
   * a broken item is the end of its line.
   */
  readonly scenarioFile = this.RULE('scenarioFile', () => {
    this.MANY({
      GATE: this.belowErrorLimit,
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(T.Newline) },
          {
            ALT: () => {
              this.SUBRULE(this.item);
              this.CONSUME2(T.Newline);
            },
          },
        ]);
      },
    });
  });

  // Alternatives of the two hottest OR's are built once (Chevrotain performance guide).
  private itemAlts: IOrAlt<unknown>[] | undefined;
  private termAlts: IOrAlt<unknown>[] | undefined;

  readonly item = this.RULE('item', () => {
    this.OR((this.itemAlts ??= [
      { ALT: () => this.SUBRULE(this.scenarioLine) },
      { ALT: () => this.SUBRULE(this.kernelLine) },
      { ALT: () => this.SUBRULE(this.platformLine) },
      { ALT: () => this.SUBRULE(this.bootLine) },
      { ALT: () => this.SUBRULE(this.memoryLine) },
      { ALT: () => this.SUBRULE(this.kconfigLine) },
      { ALT: () => this.SUBRULE(this.xfailLine) },
      { ALT: () => this.SUBRULE(this.requiresLine) },
      { ALT: () => this.SUBRULE(this.variantLine) },
      { ALT: () => this.SUBRULE(this.topologyBlock) },
      { ALT: () => this.SUBRULE(this.stepBlock) },
      { ALT: () => this.SUBRULE(this.expectStatement) },
      { ALT: () => this.SUBRULE(this.opStatement) },
    ]));
  });

  // ---- header lines ---------------------------------------------------------------------------

  readonly scenarioLine = this.RULE('scenarioLine', () => {
    this.CONSUME(T.Scenario);
    this.CONSUME(T.StringLiteral);
  });

  readonly kernelLine = this.RULE('kernelLine', () => {
    this.CONSUME(T.Kernel);
    this.CONSUME(T.Version);
  });

  readonly platformLine = this.RULE('platformLine', () => {
    this.CONSUME(T.Platform);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.SUBRULE(this.attr);
    });
  });

  readonly bootLine = this.RULE('bootLine', () => {
    this.CONSUME(T.Boot);
    this.CONSUME(T.StringLiteral);
  });

  readonly memoryLine = this.RULE('memoryLine', () => {
    this.CONSUME(T.Memory);
    this.SUBRULE(this.expression);
  });

  readonly kconfigLine = this.RULE('kconfigLine', () => {
    this.CONSUME(T.Kconfig);
    this.MANY(() => {
      this.SUBRULE(this.attr);
    });
  });

  readonly xfailLine = this.RULE('xfailLine', () => {
    this.CONSUME(T.Xfail);
    this.CONSUME(T.StringLiteral);
  });

  readonly requiresLine = this.RULE('requiresLine', () => {
    this.CONSUME(T.Requires);
    this.MANY(() => {
      this.SUBRULE(this.attr);
    });
  });

  readonly variantLine = this.RULE('variantLine', () => {
    this.CONSUME(T.Variant);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.SUBRULE(this.attr);
    });
  });

  /** attr := KEY ('=' expr)? | KEY+= expr — keys may be keywords (`memory=8G` in a variant). */
  readonly attr = this.RULE('attr', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.AppendKey);
          this.SUBRULE(this.expression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Word);
          this.OPTION(() => {
            this.CONSUME(T.Equals);
            this.SUBRULE2(this.expression);
          });
        },
      },
    ]);
  });

  // ---- topology -------------------------------------------------------------------------------

  readonly topologyBlock = this.RULE('topologyBlock', () => {
    this.CONSUME(T.Topology);
    this.SUBRULE(this.nodeBlock);
  });

  /** nodeBlock := '{' NEWLINE (node? NEWLINE)* '}' */
  readonly nodeBlock = this.RULE('nodeBlock', () => {
    this.CONSUME(T.LBrace);
    this.CONSUME(T.Newline);
    this.MANY({
      GATE: this.belowErrorLimit,
      DEF: () => {
        this.OPTION(() => {
          this.SUBRULE(this.topologyNode);
        });
        this.CONSUME2(T.Newline);
      },
    });
    this.CONSUME(T.RBrace);
  });

  /** node := KIND BDF? attr* nodeBlock? */
  readonly topologyNode = this.RULE('topologyNode', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Bdf);
    });
    this.MANY(() => {
      this.SUBRULE(this.attr);
    });
    this.OPTION2(() => {
      this.SUBRULE(this.nodeBlock);
    });
  });

  // ---- steps and statements -------------------------------------------------------------------

  readonly stepBlock = this.RULE('stepBlock', () => {
    this.CONSUME(T.Step);
    this.CONSUME(T.StringLiteral);
    this.CONSUME(T.LBrace);
    this.CONSUME(T.Newline);
    this.MANY({
      GATE: this.belowErrorLimit,
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME2(T.Newline) },
          {
            ALT: () => {
              this.SUBRULE(this.item);
              this.CONSUME3(T.Newline);
            },
          },
        ]);
      },
    });
    this.CONSUME(T.RBrace);
  });

  /** expect := 'expect' ( 'log' STRING | 'not' 'log' STRING | expr ('=='|'!=') expr ) */
  readonly expectStatement = this.RULE('expectStatement', () => {
    this.CONSUME(T.Expect);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Log);
          this.CONSUME(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.CONSUME2(T.Log);
          this.CONSUME2(T.StringLiteral);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'left' });
          this.CONSUME(T.Comparison);
          this.SUBRULE2(this.expression, { LABEL: 'right' });
        },
      },
    ]);
  });

  /** op := (NAME '=')? OPNAME arg* outcome? */
  readonly opStatement = this.RULE('opStatement', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'bind' });
      this.CONSUME(T.Equals);
    });
    this.CONSUME2(T.Identifier, { LABEL: 'op' });
    this.MANY(() => {
      this.SUBRULE(this.argument);
    });
    this.OPTION2(() => {
      this.SUBRULE(this.outcome);
    });
  });

  /** arg := KEY '=' expr | expr */
  readonly argument = this.RULE('argument', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Word);
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expression);
        },
      },
      { ALT: () => this.SUBRULE2(this.expression) },
    ]);
  });

  /** outcome := '=>' ( 'bytes' BYTES+ | KIND arg* ) ('as' NAME)? */
  readonly outcome = this.RULE('outcome', () => {
    this.CONSUME(T.Arrow);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.BytesKeyword);
          this.AT_LEAST_ONE(() => {
            this.CONSUME(T.ByteGroup);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'kind' });
          this.MANY(() => {
            this.SUBRULE(this.argument);
          });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier, { LABEL: 'name' });
    });
  });

  // ---- expressions ----------------------------------------------------------------------------

  /** expr := term (('+' | '-') term)* */
  readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(T.AdditiveOperator);
      this.SUBRULE2(this.term);
    });
  });

  /**
   * term := NAME callArguments? | NUMBER | SIZE | BDF | ID | STRING | '(' expr ')'. A call's `(`
   * must touch the name: `group(01:00.0)` is a call, `read (x)` is two arguments.
   */
  readonly term = this.RULE('term', () => {
    this.OR((this.termAlts ??= [
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION({
            GATE: () => this.touchesPrevious(),
            DEF: () => this.SUBRULE(this.callArguments),
          });
        },
      },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.Size) },
      { ALT: () => this.CONSUME(T.Bdf) },
      { ALT: () => this.CONSUME(T.PciId) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.BadNumber) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
    ]));
  });

  /** callArguments := '(' (expr (',' expr)*)? ')' */
  readonly callArguments = this.RULE('callArguments', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => this.SUBRULE(this.expression),
    });
    this.CONSUME(T.RParen);
  });

  private touchesPrevious(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    return next.startOffset === prev.startOffset + prev.image.length;
  }

  /** Parses one file's tokens (this resets the parser, which is shared). */
  parseTokens(tokens: IToken[]): ParserOutput {
    this.input = tokens;
    this.collected = [];
    this.errors = this.collected;
    const cst = this.scenarioFile();
    return { cst, errors: this.collected, stopped: this.collected.length >= PARSER_ERROR_LIMIT };
  }
}

/** The one parser instance. */
export const parser = new DmaParser();
