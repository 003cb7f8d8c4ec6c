/** A command line that cannot be run as typed: reported with the usage it broke, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The help to show under the message (the command's usage line, or the list of commands). */
  readonly help: string | undefined;

  constructor(message: string, help?: string) {
    super(message);
    this.help = help;
  }
}
