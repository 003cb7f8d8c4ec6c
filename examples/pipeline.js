// A pipeline with dependencies and files: three "download" jobs each write a day of sales to the
// file store; a "summarise" job per day starts only when its download is done and reads its file;
// a "report" job waits for every summary and writes the report, which this script reads back.
// Run it with `node examples/pipeline.js` (after `npm run build`).
import cloud from '@nimbus-js/nimbus';

const DAYS = ['2026-11-28', '2026-11-29', '2026-11-30'];

// Stands in for a download: writes the day's sales (one amount per line) to cloud.files.
async function download(day) {
  let seed = [...day].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  const amounts = Array.from({ length: 1000 }, () => (seed = (seed * 16807) % 2147483647) % 500);
  await cloud.files.putf(amounts.join('\n'), `sales/${day}.txt`);
  return amounts.length;
}

async function summarise(day) {
  const text = (await (await cloud.files.getf(`sales/${day}.txt`)).toArray()).join('');
  const amounts = text.split('\n').map(Number);
  return { day, count: amounts.length, total: amounts.reduce((sum, n) => sum + n, 0) };
}

async function report(summaryJids) {
  const summaries = await cloud.result(summaryJids);
  const lines = summaries.map((s) => `${s.day}: ${s.count} sales, ${s.total} in all`);
  await cloud.files.putf(lines.join('\n') + '\n', 'sales/report.txt');
  return summaries.reduce((sum, s) => sum + s.total, 0);
}

const downloads = await cloud.map(download, DAYS);
const summaries = [];
for (const [i, day] of DAYS.entries()) summaries.push(await cloud.with({ dependsOn: downloads[i] }).call(summarise, day));
const final = await cloud.with({ dependsOn: summaries }).call(report, summaries);

console.log(`the report job is ${await cloud.status(final)} until the summaries are done`);
const total = await cloud.result(final);
const text = (await (await cloud.files.getf('sales/report.txt')).toArray()).join('');
process.stdout.write(text);
console.log(`grand total ${total}`);
