/**
 * Colour is on only when writing to a terminal, NO_COLOR is unset or empty
 * (no-color.org), CI is unset (CI logs often keep raw escapes) and --no-color
 * was not given.
 */
export function useColor(opts: {
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly noColor: boolean;
}): boolean {
  if (opts.noColor || !opts.isTTY) return false;
  if ((opts.env.NO_COLOR ?? '') !== '') return false;
  const ci = opts.env.CI;
  return ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false';
}

export type Paint = (text: string) => string;

export interface Palette {
  readonly green: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

export function palette(color: boolean): Palette {
  return color
    ? {
        green: sgr(32, 39),
        red: sgr(31, 39),
        yellow: sgr(33, 39),
        dim: sgr(2, 22),
        bold: sgr(1, 22),
      }
    : { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
}
