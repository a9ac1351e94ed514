import { rm } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { stopProcessGroup } from "./process.js";

/**
 * The watchdog program that tieGroup() starts (`node watchdog-main.js <pgid> [dir]`): waits for end-of-file on
 * stdin, which comes when the process that started it has ended, then stops the process group (the process
 * tree on Windows) by the platform's plan, asked and then forced after the usual grace; then removes `dir`,
 * the ended run's temporary work directory, when given.
 */

const pgid = Number(process.argv[2]);
if (!Number.isInteger(pgid) || pgid <= 1) {
  process.stderr.write(`watchdog: not a process group id: ${process.argv[2]}\n`);
  process.exit(2);
}
const parentGone = finished(process.stdin.resume());
// A parent killed before this line is read has closed the pipe: the write fails (EPIPE), and that must not
// end the watchdog before it has done the one thing it is for.
process.stdout.on("error", () => {});
// tieGroup() waits for this line: from here on, the end of the pipe is noticed.
process.stdout.write("armed\n");
// A reset connection ends the wait as well as end-of-file: either way the other end is gone.
await parentGone.catch(() => {});
await stopProcessGroup(pgid);
const workDir = process.argv[3];
if (workDir) await rm(workDir, { recursive: true, force: true });
