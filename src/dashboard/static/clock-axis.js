// The time axis both charts share: a linear axis of seconds since the page opened (no date
// adapter needed), its ticks written as the clock time. The server's clock may differ from the
// browser's: times from the server are moved by the difference it last showed.

const origin = Date.now();
let serverAhead = 0; // ms the server's clock is ahead of this browser's

export function learnServerClock(serverNow) {
  serverAhead = serverNow - Date.now();
}

/** Seconds on the axis of a time from the server (epoch ms). */
export function serverSeconds(epochMs) {
  return (epochMs - serverAhead - origin) / 1000;
}

/** Seconds on the axis of this moment. */
export function nowSeconds() {
  return (Date.now() - origin) / 1000;
}

export function clockAxis(title) {
  return {
    type: 'linear',
    title: { display: true, text: title },
    ticks: { maxRotation: 0, precision: 0, callback: (seconds) => new Date(origin + seconds * 1000).toLocaleTimeString() },
  };
}
