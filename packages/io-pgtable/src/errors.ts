/** Raised for a bad page-table configuration (a programming or scenario error, not a kernel errno). */
export class PgtableError extends Error {
  constructor(
    readonly code: 'PGTABLE_BAD_CONFIG' | 'PGTABLE_NO_MEMORY',
    message: string,
  ) {
    super(message);
    this.name = 'PgtableError';
  }
}
