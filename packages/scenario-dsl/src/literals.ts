/**
 * Values of literal tokens (numbers, sizes, PCI addresses, IDs, strings, byte patterns) and the
 * checks that turn a malformed one into a located diagnostic instead of an exception.
 */
export const U64_MAX = (1n << 64n) - 1n;

// lib/cmdline.c memparse: each suffix step is a binary factor of 1024.
const SIZE_SHIFT: Readonly<Record<string, bigint>> = { K: 10n, M: 20n, G: 30n, T: 40n };

/** `4096`, `0x1000`, `0x10_0000` → exact value (the token pattern guarantees the shape). */
export function integerValue(text: string): bigint {
  return BigInt(text.replaceAll('_', ''));
}

/** `4K`, `0x10M` → bytes. */
export function sizeValue(text: string): bigint {
  const unit = text.slice(-1);
  return integerValue(text.slice(0, -1)) << (SIZE_SHIFT[unit] ?? 0n);
}

export interface BdfFields {
  segment: number;
  bus: number;
  dev: number;
  fn: number;
}

/**
 * `[segment:]bus:dev.fn`, hex fields as drivers/pci/pci.c pci_dev_str_match_path reads them.
 * The device number has 5 bits and the function 3 (include/uapi/linux/pci.h PCI_DEVFN).
 */
export function bdfFields(text: string): { fields: BdfFields; problem?: string } {
  const parts = text.split(':');
  const last = parts.pop() ?? '';
  const [devText = '', fnText = ''] = last.split('.');
  const busText = parts.pop() ?? '';
  const segText = parts.pop() ?? '0';
  const fields: BdfFields = {
    segment: parseInt(segText, 16),
    bus: parseInt(busText, 16),
    dev: parseInt(devText, 16),
    fn: parseInt(fnText, 16),
  };
  let problem: string | undefined;
  if (fields.dev > 0x1f) problem = `device number 0x${devText} is above 0x1f`;
  else if (fields.fn > 7) problem = `function number ${fnText} is above 7`;
  return problem === undefined ? { fields } : { fields, problem };
}

export function pciIdFields(text: string): { vendor: number; device: number } {
  const [v = '0', d = '0'] = text.split(':');
  return { vendor: parseInt(v, 16), device: parseInt(d, 16) };
}

/** Why a `BadNumber` token is malformed, as a hint the user can act on. */
export function badNumberHint(text: string): string {
  if (/^(?:0[xX][0-9a-fA-F_]+|[0-9_]+)[kmgt]$/.test(text)) {
    return 'size suffixes are upper-case: K, M, G, T (as in `4K`)';
  }
  if (/^[0-9_]+\.[0-9_]+[KMGT]$/.test(text)) {
    return 'sizes take a whole number: write `1536M` rather than `1.5G`';
  }
  if (/^0[xX]$/.test(text)) return '`0x` must be followed by hex digits';
  if (/__|_$|_[KMGT]$|^0[xX]_/.test(text)) return '`_` may only stand between two digits';
  if (text.includes(':')) {
    return 'PCI addresses look like `01:00.0` or `0000:01:00.0`; vendor:device IDs like `8086:1533`';
  }
  if (/^[0-9]+\.[0-9]+\.[0-9]+\./.test(text)) return 'kernel releases look like `6.12` or `6.1.55`';
  return 'numbers are decimal (`4096`) or hex (`0x1000`), sizes are `4K`, `2M`, `1G` or `1T`; a name cannot start with a digit';
}

export interface StringValue {
  value: string;
  /** Offsets (relative to the token start) and text of escapes other than `\"` and `\\`. */
  badEscapes: { offset: number; text: string }[];
}

/** The value of a string token; `image` includes the quotes (the closing one is missing if `!closed`). */
export function stringValue(image: string, closed: boolean): StringValue {
  const body = image.slice(1, closed ? -1 : undefined);
  const badEscapes: StringValue['badEscapes'] = [];
  let value = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = body[i + 1];
    if (next === '"' || next === '\\') {
      value += next;
      i++;
    } else {
      // keep the text as written so a best-effort value is still usable
      badEscapes.push({ offset: i + 1, text: next === undefined ? '\\' : `\\${next}` });
      value += next === undefined ? '\\' : `\\${next}`;
      i++;
    }
  }
  return { value, badEscapes };
}
