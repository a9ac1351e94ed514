import path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/github/setup-model.js";

// The bundle puts this entry and serve's (actions/setup-model/serve.ts) side by side in the shared dist/.
const here = path.dirname(fileURLToPath(import.meta.url));
await run({ file: path.join(here, "setup-model-serve.mjs"), args: [], bundled: true });
