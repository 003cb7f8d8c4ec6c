import { Cloud } from 'nimbus';
const cloud = new Cloud();
const add = (x) => x + 2;
try {
  console.log(await cloud.result(await cloud.map(add, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).then(r => r.length));
} catch (e) { console.log('FAIL', e.message.split('\n')[0]); }
await cloud.close();
