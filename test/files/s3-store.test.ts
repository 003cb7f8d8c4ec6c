/**
 * What the S3 store adds to the shared specification (cloud-files.test.ts): MD5s as metadata,
 * its prefix, its staging uploads, and the errors of a server that is missing or refuses.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudFiles, createFileStore, type FileStore } from '../../src/files/index.js';
import { S3_MAX_ATTEMPTS } from '../../src/files/s3-client.js';
import { listKeys, rawClient } from './support/backends.js';
import { closedPort, startS3Server, type S3Server } from './support/s3-server.js';
import { failingAfter, generated, md5, md5OfGenerated } from './support/streams.js';
import { refusal } from './support/refusals.js';

const MiB = 1024 * 1024;
const UNREACHABLE_TIMEOUT_MS = 15_000; // the test fails, rather than hangs, past this

describe('the S3 store', () => {
  let server: S3Server;
  let store: FileStore;
  let files: CloudFiles;

  beforeAll(async () => {
    server = await startS3Server();
    store = createFileStore({ s3: { ...server.config, prefix: 'team/' } });
    files = new CloudFiles(store);
  });
  afterAll(async () => {
    await files.close();
    await server.stop();
  });

  it('keeps each name under its prefix', async () => {
    await files.putf('x', 'a/b.txt');
    expect(await listKeys(server, 'team/')).toContain('team/a/b.txt');
    expect(await files.list()).toContain('a/b.txt');
  });

  it('stores the MD5 it measured as metadata, since a multipart ETag is not an MD5', async () => {
    const size = 20 * MiB + 5;
    await files.putf(generated(size, 4), 'parts.bin');
    const client = rawClient(server);
    const head = await client.send(new HeadObjectCommand({ Bucket: server.config.bucket, Key: 'team/parts.bin' }));
    client.destroy();
    const expected = await md5OfGenerated(size, 4);
    expect(head.Metadata?.['nimbus-md5']).toBe(expected);
    expect(head.ContentLength).toBe(size);
    expect(await files.md5('parts.bin')).toBe(expected);
    expect(server.requests.filter((request) => request.includes('partNumber=')).length).toBe(3);
  });

  it('leaves no staging upload behind a large put whose source fails', async () => {
    await files.putf('kept', 'broken.bin');
    await refusal(files.putf(failingAfter(20 * MiB), 'broken.bin'));
    expect(await md5OfStored('broken.bin')).toBe(md5('kept'));
    expect(await listKeys(server, 'team/.nimbus/')).toEqual([]);
    // s3rver does not implement AbortMultipartUpload (it answers 405), so this checks the asking.
    expect(server.requests.some((request) => request.startsWith('DELETE /nimbus-test/team/.nimbus/staging/') && request.includes('uploadId='))).toBe(true);
  });

  it('measures the MD5 of an object another tool wrote, without the metadata', async () => {
    const client = rawClient(server);
    await client.send(new PutObjectCommand({ Bucket: server.config.bucket, Key: 'team/foreign.txt', Body: 'from elsewhere' }));
    client.destroy();
    expect(await files.md5('foreign.txt')).toBe(md5('from elsewhere'));
  });

  it('a missing bucket is a clear CloudError', async () => {
    const lost = new CloudFiles(createFileStore({ s3: { ...server.config, bucket: 'no-such-bucket' } }));
    try {
      const error = await refusal(lost.putf('x', 'y'));
      expect(error.message).toBe(
        `cloud.files.putf: the bucket of the S3 store s3://no-such-bucket/ at ${server.config.endpoint} does not exist: create it first`,
      );
      expect(error.code).toBe('ERR_NO_BUCKET');
    } finally {
      await lost.close();
    }
  });

  it('wrong credentials are a clear CloudError', async () => {
    const stranger = new CloudFiles(createFileStore({ s3: { ...server.config, credentials: { accessKeyId: 'WHO', secretAccessKey: 'nope' } } }));
    try {
      const error = await refusal(stranger.list());
      expect(error.message).toMatch(/^cloud\.files\.list: the S3 store .* refused the credentials/);
      expect(error.code).toBe('ERR_BAD_CREDENTIALS');
    } finally {
      await stranger.close();
    }
  });

  it(
    `an unreachable endpoint fails with a clear CloudError after ${S3_MAX_ATTEMPTS} attempts, never a hang`,
    async () => {
      const endpoint = `http://127.0.0.1:${await closedPort()}`;
      const unreachable = new CloudFiles(createFileStore({ s3: { ...server.config, endpoint } }));
      try {
        const error = await refusal(unreachable.get('anything', '/tmp/never'));
        expect(error.message).toBe(
          `cloud.files.get: the S3 store s3://${server.config.bucket}/ at ${endpoint} is unreachable (connect ECONNREFUSED ${endpoint.slice(7)}; tried ${S3_MAX_ATTEMPTS} times)`,
        );
        expect(error.code).toBe('ERR_STORE_UNREACHABLE');
      } finally {
        await unreachable.close();
      }
    },
    UNREACHABLE_TIMEOUT_MS,
  );

  async function md5OfStored(name: string): Promise<string> {
    const { measure } = await import('../../src/files/content-meter.js');
    return (await measure(await files.getf(name))).md5;
  }
});
