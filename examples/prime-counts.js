// A CPU-heavy map with a progress bar: counts the primes below 20 million in 40 slices, one job
// per slice, on every core. `progress: true` draws a bar on stderr when it is a terminal.
// Run it with `node examples/prime-counts.js` (after `npm run build`).
import cloud from '@nimbus-js/nimbus';

const LIMIT = Number(process.argv[2] ?? 20_000_000); // `node examples/prime-counts.js 100000`: a quick run
const SLICES = 40;

// One job: the primes in [from, to), by trial division (slow on purpose: it is the work).
function countPrimes(from, to) {
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

const size = Math.ceil(LIMIT / SLICES);
const starts = Array.from({ length: SLICES }, (_, i) => i * size);
// c2: a core for each job (CPU-bound work); the label names them in `nimbus jobs` and the dashboard.
const jids = await cloud.with({ type: 'c2', label: 'primes' }).map((from) => countPrimes(from, Math.min(from + size, LIMIT)), starts);
const counts = await cloud.result(jids, { progress: true });
console.log(`${counts.reduce((sum, n) => sum + n, 0)} primes below ${LIMIT.toLocaleString('en-US')}, in ${SLICES} jobs`);
