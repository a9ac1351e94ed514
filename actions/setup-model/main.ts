import { fileURLToPath } from "node:url";
import { run } from "../../src/github/setup-model.js";

await run({ file: fileURLToPath(new URL("./serve/index.js", import.meta.url)), args: [], bundled: true });
