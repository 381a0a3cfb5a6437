/** Stable codes for bad input to the uAPI tables and codecs. */
export type UapiErrorCode =
  | 'UNKNOWN_RELEASE'
  | 'UNKNOWN_IOCTL'
  | 'UNKNOWN_STRUCT'
  | 'UNKNOWN_CONSTANT'
  | 'NOT_IN_RELEASE'
  | 'UNKNOWN_FIELD'
  | 'BAD_VALUE'
  | 'SHORT_BUFFER'
  | 'BAD_EXPRESSION';

export interface UapiError {
  readonly code: UapiErrorCode;
  readonly message: string;
}

export type UapiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UapiError };

export function ok<T>(value: T): UapiResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: UapiErrorCode, message: string): UapiResult<T> {
  return { ok: false, error: { code, message } };
}
