import { finished } from "node:stream/promises";
import { stopProcessGroup } from "./process.js";

/**
 * The watchdog program that tieGroup() starts (`node watchdog-main.js <pgid>`): waits for end-of-file on
 * stdin, which comes when the process that started it has ended, then stops the process group: SIGTERM, and
 * SIGKILL after the usual grace.
 */

const pgid = Number(process.argv[2]);
if (!Number.isInteger(pgid) || pgid <= 1) {
  process.stderr.write(`watchdog: not a process group id: ${process.argv[2]}\n`);
  process.exit(2);
}
const parentGone = finished(process.stdin.resume());
// tieGroup() waits for this line: from here on, the end of the pipe is noticed.
process.stdout.write("armed\n");
// A reset connection ends the wait as well as end-of-file: either way the other end is gone.
await parentGone.catch(() => {});
await stopProcessGroup(pgid);
