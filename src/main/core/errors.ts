/** An error meant for a person: its code and message cross the process boundary as-is. */
export class CoreError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_request' | 'conflict' | 'busy' | 'unavailable' | 'internal',
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
