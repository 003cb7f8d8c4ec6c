/** The floor for a round trip: a bare worker_threads message in, the answer out, nothing else. */
import { parentPort } from 'node:worker_threads';
import { addTwo } from '../work.js';

parentPort.on('message', (x) => parentPort.postMessage(addTwo(x)));
