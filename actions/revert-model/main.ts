import { run } from "../../src/github/revert-model.js";

await run();
