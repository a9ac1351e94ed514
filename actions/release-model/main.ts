import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/github/release-model.js";

// Joined at run time rather than written as new URL(..., import.meta.url), which ncc would take for an asset.
const here = path.dirname(fileURLToPath(import.meta.url));
await run({ file: [here, "serve", "index.js"].join(path.sep), args: [], bundled: true });
