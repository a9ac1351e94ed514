import { run } from "../../src/github/promote-model.js";

await run();
