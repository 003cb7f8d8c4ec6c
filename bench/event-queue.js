/**
 * A min-heap of timed events for a simulation on a fake clock: `pop()` gives the earliest event's
 * payload (ties in the order pushed, so that a run is the same every time), `nextTime` its time.
 * Times are numbers in any unit.
 *
 * Kept in flat columns (times and sequence numbers in Float64Arrays, payloads in a list), with
 * no object per event: a simulation measures the code it drives between pops, and a heap of
 * event objects, hundreds in flight and each live for as long, would add its own garbage and
 * cache misses to what that code seems to cost, more the more events are in flight.
 */
export class EventQueue {
  #times = new Float64Array(64);
  #sequences = new Float64Array(64);
  #payloads = [];
  #size = 0;
  #pushed = 0;

  get size() {
    return this.#size;
  }

  /** The earliest event's time; undefined when empty. */
  get nextTime() {
    return this.#size > 0 ? this.#times[0] : undefined;
  }

  push(time, payload) {
    if (this.#size === this.#times.length) this.#grow();
    const times = this.#times;
    const sequences = this.#sequences;
    const sequence = this.#pushed++;
    // Sift up: move parents down while the new event is earlier than them, then place it.
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(time, sequence, times[parent], sequences[parent])) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#place(i, time, sequence, payload);
  }

  /** The earliest event's payload, removed (read `nextTime` first for its time); undefined when empty. */
  pop() {
    if (this.#size === 0) return undefined;
    const times = this.#times;
    const sequences = this.#sequences;
    const payloads = this.#payloads;
    const first = payloads[0];
    const size = --this.#size;
    const time = times[size];
    const sequence = sequences[size];
    const payload = payloads[size];
    payloads[size] = undefined;
    if (size === 0) return first;
    // Sift down: move the earlier child up while it is earlier than the last event, then place it.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && earlier(times[right], sequences[right], times[left], sequences[left]) ? right : left;
      if (!earlier(times[child], sequences[child], time, sequence)) break;
      this.#move(child, i);
      i = child;
    }
    this.#place(i, time, sequence, payload);
    return first;
  }

  /** The event at `from` moves to `to` (a sift's step). */
  #move(from, to) {
    this.#times[to] = this.#times[from];
    this.#sequences[to] = this.#sequences[from];
    this.#payloads[to] = this.#payloads[from];
  }

  /** The event (time, sequence, payload) takes place `i`. */
  #place(i, time, sequence, payload) {
    this.#times[i] = time;
    this.#sequences[i] = sequence;
    this.#payloads[i] = payload;
  }

  #grow() {
    const times = new Float64Array(this.#times.length * 2);
    const sequences = new Float64Array(this.#sequences.length * 2);
    times.set(this.#times);
    sequences.set(this.#sequences);
    this.#times = times;
    this.#sequences = sequences;
  }
}

function earlier(time, sequence, otherTime, otherSequence) {
  return time < otherTime || (time === otherTime && sequence < otherSequence);
}
