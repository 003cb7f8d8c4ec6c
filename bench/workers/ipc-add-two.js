/**
 * The floor for a round trip to a worker process: a bare child process, forked with the
 * serialization nimbus's workers use ('advanced'), answers each IPC message, nothing else.
 */
import { addTwo } from '../work.js';

process.on('message', (x) => process.send(addTwo(x)));
