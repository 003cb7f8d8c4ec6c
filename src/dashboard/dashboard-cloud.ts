/**
 * What the dashboard reads of a Cloud: public methods only, so that it shows any cloud the same
 * way (this process's runtime, or a durable store other processes write to) and never reaches
 * behind the facade.
 */
import type { Cloud } from '../cloud.js';
import type { CloudFiles } from '../files/index.js';

export type DashboardCloud = Pick<Cloud, 'list' | 'info' | 'load' | 'result' | 'status' | 'kill' | 'delete'> & {
  readonly files: Pick<CloudFiles, 'list'>;
};
