import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cloud } from '@nimbus-js/nimbus';
import { MODES, makeCloud } from '../support/clouds.js';
import { BACKENDS, type OpenBackend } from './support/backends.js';

// Inside a job, the name `cloud` is the job's own client, whose files are the runtime's.
declare const cloud: Cloud;

const THREE_MB = 3 * 1024 * 1024 + 17; // crosses the file channel in several chunks

describe.each(BACKENDS)('cloud.files inside jobs ($name store)', (backend) => {
  describe.each(MODES)('%s', (mode) => {
    let opened: OpenBackend;
    let runtime: Cloud;
    beforeAll(async () => {
      opened = await backend.open();
      runtime = makeCloud(mode, { files: opened.store });
    });
    afterAll(async () => {
      await runtime.close();
      await opened.close();
    });

    it('a job reads what the client put and the client reads what the job put', async () => {
      await runtime.files.putf('hello from the client', 'greeting.txt');
      const jid = await runtime.call(async (name: string) => {
        const text = (await cloud.files.getf(name)).setEncoding('utf8');
        let content = '';
        for await (const chunk of text) content += chunk;
        await cloud.files.putf(content.toUpperCase(), 'shout.txt');
        return { content, listed: await cloud.files.list(), exists: await cloud.files.exists('shout.txt') };
      }, 'greeting.txt');
      expect(await runtime.result(jid)).toEqual({ content: 'hello from the client', listed: ['greeting.txt', 'shout.txt'], exists: true });
      const back = (await runtime.files.getf('shout.txt')).setEncoding('utf8');
      let shouted = '';
      for await (const chunk of back) shouted += chunk;
      expect(shouted).toBe('HELLO FROM THE CLIENT');
    });

    it('a job streams a file of several chunks both ways, and MD5s and ranges agree', async () => {
      const bytes = Buffer.alloc(THREE_MB, 0);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) % 251;
      await runtime.files.putf(Readable.from([bytes.subarray(0, 1_000_000), bytes.subarray(1_000_000)]), 'big.bin');
      const jid = await runtime.call(async (size: number) => {
        const chunks: Buffer[] = [];
        for await (const chunk of await cloud.files.getf('big.bin')) chunks.push(chunk as Buffer);
        const slice: number[] = [];
        for await (const chunk of await cloud.files.getf('big.bin', { start: size - 3, end: size + 10 })) slice.push(...(chunk as Buffer));
        await cloud.files.putf(await cloud.files.getf('big.bin'), 'copy.bin');
        return { read: Buffer.concat(chunks), stored: await cloud.files.md5('big.bin'), copied: await cloud.files.md5('copy.bin'), slice };
      }, THREE_MB);
      const expected = createHash('md5').update(bytes).digest('hex');
      const { read, ...rest } = await runtime.result(jid);
      expect(createHash('md5').update(read).digest('hex')).toBe(expected);
      expect(rest).toEqual({ stored: expected, copied: expected, slice: [...bytes.subarray(THREE_MB - 3)] });
    });

    it('a missing file is a CloudError inside the job too, naming it', async () => {
      const jid = await runtime.call(async () => {
        try {
          await cloud.files.getf('no-such-file.txt');
          return 'no error';
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      });
      expect(await runtime.result(jid)).toMatch(/^CloudError: .*no file named "no-such-file\.txt"/);
    });
  });
});
