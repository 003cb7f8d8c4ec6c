/**
 * Moving content from a source into a sink, telling whose failure ended it. A source that fails
 * by itself (a user's stream, a store's read) is blamed as the source; a sink that fails is not
 * blamed on the source, although the pipeline then destroys the source with the sink's error.
 */
import { PassThrough, pipeline, type Readable, type Transform } from 'node:stream';
import type { CloudError } from '../errors.js';

/**
 * Runs `sink` on `source` as it passes through `through` (a PassThrough, or a ByteLimit). A
 * failure of `source` rejects with `blameSource(its error)`; any other, with the sink's error.
 */
export async function transfer<T>(
  source: Readable,
  sink: (input: Readable) => Promise<T>,
  blameSource: (error: unknown) => CloudError,
  through: Transform = new PassThrough(),
): Promise<T> {
  let sourceError: unknown;
  // Listening before pipeline does: a source that fails by itself is heard while `through` is
  // whole; an error the pipeline destroys the source with comes after `through` is destroyed.
  source.on('error', (error: unknown) => {
    if (!through.destroyed) sourceError ??= error;
  });
  pipeline(source, through, () => {}); // a failure of either stream reaches the sink through `through`
  try {
    return await sink(through);
  } catch (error) {
    through.destroy(); // a sink that failed before reading lets the source go
    throw sourceError === undefined ? error : blameSource(sourceError);
  }
}
