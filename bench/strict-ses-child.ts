/**
 * The strict SES of `npm run bench:send` in a process of its own, as SES is a system of its own: the
 * arrival times it stamps do not wait on the senders' event loop. Asked with "figures", it answers with
 * what it accepted and refused.
 */
import { startStrictSes } from '../packages/local/src/strict-ses.js';

const ses = await startStrictSes({ target: process.argv[2]!, ratePerSecond: Number(process.argv[3]) });
process.send?.({ endpoint: ses.endpoint });
process.on('message', (message) => {
  if (message === 'figures') process.send?.({ accepted: ses.accepted, throttles: ses.throttles(), peakSecond: ses.peakSecond() });
});
const stop = () => void ses.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
