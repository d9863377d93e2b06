/** Runs the embedded stand-ins in their own process, so the digest benchmark's CPU time is the sender's alone. */
import { startOrAttach } from '../packages/local/src/services.js';

const services = await startOrAttach(process.argv[2]!);
process.send?.({ ready: true });
const stop = () => void services.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
