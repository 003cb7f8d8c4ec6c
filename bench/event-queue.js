/**
 * A min-heap of timed events for a simulation on a fake clock: `pop()` gives the earliest event
 * (ties in the order pushed, so that a run is the same every time). Times are numbers in any unit.
 */
export class EventQueue {
  /** Heap order over [time, sequence]; `#events[i]` is { time, sequence, payload }. */
  #events = [];
  #pushed = 0;

  get size() {
    return this.#events.length;
  }

  push(time, payload) {
    const events = this.#events;
    events.push({ time, sequence: this.#pushed++, payload });
    // Sift up: swap with the parent while earlier than it.
    for (let i = events.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!earlier(events[i], events[parent])) break;
      [events[i], events[parent]] = [events[parent], events[i]];
      i = parent;
    }
  }

  /** The earliest event, removed: { time, payload }; undefined when empty. */
  pop() {
    const events = this.#events;
    const first = events[0];
    const last = events.pop();
    if (events.length > 0) {
      events[0] = last;
      // Sift down: swap with the earlier child while it is earlier.
      for (let i = 0; ;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let next = i;
        if (left < events.length && earlier(events[left], events[next])) next = left;
        if (right < events.length && earlier(events[right], events[next])) next = right;
        if (next === i) break;
        [events[i], events[next]] = [events[next], events[i]];
        i = next;
      }
    }
    return first && { time: first.time, payload: first.payload };
  }
}

function earlier(a, b) {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
