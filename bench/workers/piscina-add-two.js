/** The piscina task for the peer runs: piscina calls the default export with each task. */
import { addTwo } from '../work.js';

export default addTwo;
