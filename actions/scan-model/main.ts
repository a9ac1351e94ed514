import { run } from "../../src/github/scan-model.js";

await run();
