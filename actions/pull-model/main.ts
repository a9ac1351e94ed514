import { run } from "../../src/github/pull-model.js";

await run();
