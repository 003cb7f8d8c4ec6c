/**
 * A worker process's data channel, on either side: its messages as frames (frame-codec.ts) on a
 * socket of its own, beside Node's IPC channel. Node's 'advanced' IPC parses and serializes
 * every message in v8's format through objects made per message; a lone job's trip cost some
 * 25 us more that way than on a socket (bench/README.md, "Eighth pass"). Messages keep their
 * order, as on IPC: one socket carries them all.
 */
import type { Socket } from 'node:net';
import { FRAME_CHECK_BYTES, decodeFrame, encodeFrame, frameLength } from './frame-codec.js';

export class FrameChannel {
  readonly #socket: Socket;
  /** What was read of frames not yet whole: the chunks, in order, and their bytes in all. */
  #chunks: Buffer[] = [];
  #held = 0;
  /** The whole length of the frame being read, once its head is in; 0 before. */
  #needed = 0;
  #closed = false;

  /**
   * @param onMessage told each message, in order
   * @param onClose told once, when the other side closed (or the socket failed): every message
   *   it sent before has been told
   */
  constructor(socket: Socket, onMessage: (message: unknown) => void, onClose: () => void) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#read(chunk, onMessage));
    // A write to a process gone fails here, never as a throw: its close tells the rest.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#closed = true;
      onClose();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @param written told once the frame left for the other side (not if the channel closed first) */
  send(message: unknown, written?: () => void): void {
    if (this.#closed || this.#socket.destroyed) return;
    const frame = encodeFrame(message);
    if (!written) return void this.#socket.write(frame);
    this.#socket.write(frame, (error) => {
      if (!error) written();
    });
  }

  /** The channel never keeps its process alive by itself (the host's runs ref the process). */
  unref(): void {
    this.#socket.unref();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /**
   * A frame that cannot be read was not written by nimbus (job code wrote on the descriptor), nor
   * are bytes that do not begin as a frame (frameLength): the channel is closed, and its process
   * is ended by whoever owns it (its close is told).
   */
  #decode(frame: Buffer): unknown {
    try {
      return decodeFrame(frame);
    } catch {
      this.#socket.destroy();
      return undefined;
    }
  }

  /** Tells each whole frame in `chunk` and what was held before it; holds the rest. */
  #read(chunk: Buffer, onMessage: (message: unknown) => void): void {
    let bytes = chunk;
    if (this.#held > 0) {
      this.#chunks.push(chunk);
      this.#held += chunk.length;
      // A frame larger than a chunk is joined once, when it is whole, not once per chunk.
      if (this.#held < Math.max(this.#needed, FRAME_CHECK_BYTES)) return;
      bytes = Buffer.concat(this.#chunks, this.#held);
      this.#chunks = [];
      this.#held = 0;
    }
    let at = 0;
    while (bytes.length - at >= FRAME_CHECK_BYTES) {
      const length = frameLength(bytes, at);
      if (length < 0) return void this.#socket.destroy();
      if (bytes.length - at < length) {
        this.#needed = length;
        break;
      }
      const message = this.#decode(bytes.subarray(at, at + length));
      if (this.#socket.destroyed) return;
      at += length;
      onMessage(message);
    }
    if (at === bytes.length) return;
    if (bytes.length - at < FRAME_CHECK_BYTES) this.#needed = 0;
    this.#chunks.push(bytes.subarray(at));
    this.#held = bytes.length - at;
  }
}
