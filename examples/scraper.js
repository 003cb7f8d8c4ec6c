// A scraper with s1 jobs: s1 is the profile for jobs that mostly wait on the network, so many run
// at once (`s1Concurrency`, default: one per core). The pages come from a small server this script
// starts itself on 127.0.0.1, each answering after 200 ms, so it runs anywhere, offline too.
// Run it with `node examples/scraper.js` (after `npm run build`).
import http from 'node:http';
import { Cloud } from '@nimbus-js/nimbus';

const PAGES = 24;
const server = http.createServer((request, response) => {
  const page = Number(request.url?.slice('/page/'.length));
  setTimeout(() => response.end(`<html><head><title>Page ${page}</title></head><body>${'word '.repeat(page)}</body></html>`), 200);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

// One job: fetch a page, return its title and how many words its body has.
async function scrape(url) {
  const html = await (await fetch(url)).text();
  const title = /<title>(.*?)<\/title>/.exec(html)?.[1] ?? '';
  const words = (/<body>(.*)<\/body>/.exec(html)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).length;
  return { url, title, words };
}

const cloud = new Cloud({ s1Concurrency: 8 });
const started = performance.now();
const urls = Array.from({ length: PAGES }, (_, i) => `${base}/page/${i + 1}`);
const jids = await cloud.with({ type: 's1' }).map(scrape, urls);
const pages = await cloud.result(jids);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

console.log(`${pages.length} pages in ${seconds} s (one after another: ${(PAGES * 0.2).toFixed(1)} s)`);
console.log(`${pages[0].title}: ${pages[0].words} words; ${pages.at(-1).title}: ${pages.at(-1).words} words`);
await cloud.close();
server.close();
