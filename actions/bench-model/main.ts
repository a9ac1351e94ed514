import { run } from "../../src/github/bench-model.js";

await run();
