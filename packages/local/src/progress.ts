/** Progress for long stages: a single updating line on a terminal, nothing when output is piped. */
import { oneLine } from '@paperboy/core';

export interface Progress {
  update(stage: string, done: number, total: number): void;
  done(): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let active = false;
  let last = 0;
  return {
    update(stage, done, total) {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (done < total && now - last < 50) return;
      last = now;
      const width = 24;
      const filled = total ? Math.round((done / total) * width) : width;
      // The stage names a source; printed on one line without control characters like everything from a source.
      stream.write(`\r  ${oneLine(stage).padEnd(24)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}\x1b[K`);
      active = true;
    },
    done() {
      if (active) stream.write('\r\x1b[K');
      active = false;
    },
  };
}
