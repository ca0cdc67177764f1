/** An error meant for a person: its code and message cross the process boundary as-is. */
export class CoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_request' | 'conflict' | 'busy' | 'unavailable' | 'internal' | 'secret_store' | 'store_damaged' | 'disk_full' | 'not_writable',
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
