/** The workerpool worker for the peer runs: `pool.exec('addTwo', [x])` calls it. */
import workerpool from 'workerpool';
import { addTwo } from '../work.js';

workerpool.worker({ addTwo });
