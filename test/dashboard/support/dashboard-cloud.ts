/** A cloud as the dashboard reads it: its jobs, and the files of a store of the test's. */
import type { Cloud } from '@nimbus-js/nimbus';
import type { DashboardCloud } from '../../../dist/dashboard/dashboard-cloud.js';

/** The cloud's own methods, with a files listing the test chooses (the page shows what it lists). */
export function withFiles(cloud: Cloud, files: DashboardCloud['files']): DashboardCloud {
  return {
    list: cloud.list.bind(cloud),
    info: cloud.info.bind(cloud),
    load: cloud.load.bind(cloud),
    result: cloud.result.bind(cloud),
    status: cloud.status.bind(cloud),
    kill: cloud.kill.bind(cloud),
    delete: cloud.delete.bind(cloud),
    files,
  };
}
