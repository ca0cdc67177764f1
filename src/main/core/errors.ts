/** An error meant for a person: its code and message cross the process boundary as-is. */
export class CoreError extends Error {
  constructor(
    readonly code:
      | 'not_found'
      | 'bad_request'
      | 'conflict'
      | 'busy'
      | 'unavailable'
      | 'internal'
      | 'secret_store'
      | 'store_damaged'
      | 'disk_full'
      | 'not_writable',
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

/**
 * What a message quotes of what it was given: at most `max` characters and "…". A 50 MB line
 * or a pasted document must not come back as a 50 MB error (issue 23).
 */
export function excerpt(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
