import { benchQueue } from '../../bench/queue';
test('bench', async () => {
  const r = await benchQueue({ log: (m) => process.stderr.write(m + '\n') });
  console.log(JSON.stringify(r));
}, 300000);
