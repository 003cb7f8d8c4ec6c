/** A real S3-compatible server (s3rver) on 127.0.0.1, a free port and a temporary directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3FilesConfig } from '../../../src/types/file-store.js';

export interface S3Server {
  /** The config of a store in the server's bucket (credentials are s3rver's own). */
  readonly config: S3FilesConfig;
  /** Every request the server received: 'PUT /bucket/key?uploadId=...'. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export const BUCKET = 'nimbus-test';

// The AWS SDK warns once a process that its 2027 releases will need Node 22; not news to a test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3Server(): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'nimbus-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const requests: string[] = [];
  server.httpServer.prependListener('request', (request) => requests.push(`${request.method} ${request.url}`));
  return {
    config: { bucket: BUCKET, endpoint: `http://127.0.0.1:${port}`, credentials: CREDENTIALS },
    requests,
    async stop() {
      server.httpServer.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A port on 127.0.0.1 where nothing listens (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
