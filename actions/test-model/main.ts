import { run } from "../../src/github/test-model.js";

await run();
