/**
 * What the dashboard may change: kill a job, delete a complete one, through POST only (a link or
 * an image cannot), and only from the dashboard's own page or a program (see access.ts). These
 * are the cloud's own kill and delete, with their checks: an unknown jid, a job not complete.
 */
import type { Jid } from '../types/jid.js';
import type { DashboardCloud } from './dashboard-cloud.js';

export type JobAction = 'kill' | 'delete';

/** The action and jid a POST path asks for, or undefined when it asks for none. */
export function actionAt(path: string): { action: JobAction; jid: number } | undefined {
  const match = /^\/api\/jobs\/(\d+)\/(kill|delete)$/.exec(path);
  return match ? { action: match[2] as JobAction, jid: Number(match[1]) } : undefined;
}

export async function runAction(cloud: DashboardCloud, action: JobAction, jid: number): Promise<{ jid: number; status: string }> {
  if (action === 'delete') {
    await cloud.delete(jid as Jid);
    return { jid, status: 'deleted' };
  }
  await cloud.kill(jid as Jid);
  return { jid, status: await cloud.status(jid as Jid) };
}
