import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
import * as __WEBPACK_EXTERNAL_MODULE_node_llama_cpp_f5ac3832__ from "node-llama-cpp";
/******/ var __webpack_modules__ = ({

/***/ 847:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _src_cli_command_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(302);
/* harmony import */ var _src_cli_commands_serve_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(485);


const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
process.exitCode = await (0,_src_cli_command_js__WEBPACK_IMPORTED_MODULE_0__/* .runCommand */ .d1)("serve", io, () => _src_cli_commands_serve_js__WEBPACK_IMPORTED_MODULE_1__/* .serve */ .w.run(process.argv.slice(2), io));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 302:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Qx: () => (/* binding */ parseCommandArgs),
  d1: () => (/* binding */ runCommand)
});

// UNUSED EXPORTS: writeJson

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __nccwpck_require__(296);
;// CONCATENATED MODULE: ./src/cli/command.ts


/** node:util parseArgs, with its errors turned into UsageError naming the command. */
function parseCommandArgs(command, args, options, allowPositionals = true) {
    try {
        return (0,external_node_util_namespaceObject.parseArgs)({ args, options, allowPositionals, strict: true });
    }
    catch (error) {
        throw new errors/* UsageError */.eb(`${command}: ${error.message}`, { cause: error });
    }
}
/** Writes one JSON document on its own line: the machine-readable contract of `--json`. */
function writeJson(io, value) {
    io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
/**
 * Runs a command's body, turning a thrown error into its one-line reason and exit code; shared by the CLI and
 * single-command bundles (setup-model's serve runtime).
 */
async function runCommand(name, io, body) {
    try {
        return await body();
    }
    catch (error) {
        io.stderr.write(`cortex-model ${name}: ${(0,errors/* describeError */.Uc)(error)}\n`);
        if (io.env.CORTEX_DEBUG && error instanceof Error && error.stack)
            io.stderr.write(`${error.stack}\n`);
        return error instanceof errors/* CortexError */.G1 ? error.exitCode : 1;
    }
}


/***/ }),

/***/ 485:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  w: () => (/* binding */ serve)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(455);
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __nccwpck_require__(296);
// EXTERNAL MODULE: ./src/cli/command.ts + 1 modules
var command = __nccwpck_require__(302);
;// CONCATENATED MODULE: ./src/cli/commands/serve.ts




const usage = `Usage: cortex-model serve --model <path.gguf> [options]

Serves one GGUF model over an OpenAI-compatible HTTP API (llama.cpp through node-llama-cpp, which must be
installed): /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models, /health.
The model is given as a file path; to serve a model by reference, pull it into the store first and pass
the path of its GGUF.

Options:
  --model <path>        GGUF file to serve (required)
  --host <address>      address to listen on (default 127.0.0.1)
  --port <n>            port to listen on; 0 picks a free one (default 8080)
  --model-id <name>     name clients send as "model" (default: the file name without .gguf)
  --threads <n>         evaluation threads (default: measured at start among 1, 2, 4, ... up to the usable
                        cores, which respect the cgroup CPU quota; the count chosen is in /health)
  --context-size <n>    tokens per request context (default: the model's, at most 4096)
  --parallel <n>        requests generated at the same time; more wait in a queue (default 1)
  --gpu <auto|off>      use a GPU build of llama.cpp when one is present (default off)
  --ready-file <file>   once serving, write {"url", "pid", "model", "threads"} there as JSON

Prints one line with the base URL once the model is loaded, then serves until SIGTERM or SIGINT,
letting requests in flight finish.`;
function positiveInteger(name, value, min = 1) {
    if (value === undefined)
        return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) {
        throw new errors/* UsageError */.eb(`serve: --${name} must be an integer of at least ${min}, got "${value}"`);
    }
    return number;
}
const serve = {
    name: "serve",
    summary: "serve a GGUF model over an OpenAI-compatible API (embedded llama.cpp)",
    usage,
    async run(args, io) {
        const { values } = (0,command/* parseCommandArgs */.Qx)("serve", args, {
            model: { type: "string" },
            host: { type: "string", default: "127.0.0.1" },
            port: { type: "string", default: "8080" },
            "model-id": { type: "string" },
            threads: { type: "string" },
            "context-size": { type: "string" },
            parallel: { type: "string" },
            gpu: { type: "string", default: "off" },
            "ready-file": { type: "string" },
        }, false);
        if (!values.model)
            throw new errors/* UsageError */.eb("serve: --model <path.gguf> is required");
        if (values.gpu !== "auto" && values.gpu !== "off") {
            throw new errors/* UsageError */.eb(`serve: --gpu must be "auto" or "off", got "${values.gpu}"`);
        }
        const port = positiveInteger("port", values.port, 0);
        if (port > 65535)
            throw new errors/* UsageError */.eb(`serve: --port must be at most 65535, got ${port}`);
        const modelPath = values.model;
        const options = {
            modelPath,
            modelId: values["model-id"] ?? (0,external_node_path_namespaceObject.basename)(modelPath).replace(/\.gguf$/i, ""),
            host: values.host ?? "127.0.0.1",
            port,
            threads: positiveInteger("threads", values.threads),
            contextSize: positiveInteger("context-size", values["context-size"]),
            parallel: positiveInteger("parallel", values.parallel),
            gpu: values.gpu === "auto" ? "auto" : false,
            log: (line) => io.stderr.write(`cortex-model serve: ${line}\n`),
        };
        const { checkGguf, startEmbeddedServer } = await __nccwpck_require__.e(/* import() */ 302).then(__nccwpck_require__.bind(__nccwpck_require__, 921));
        await checkGguf(modelPath);
        // First words in the log once the file is known to be a GGUF, so a server stopped while it loads (a ready
        // timeout) says how far it got.
        options.log(`loading ${modelPath} as ${options.modelId} on ${options.host}:${port}, pid ${process.pid}`);
        const running = await startEmbeddedServer(options);
        const { server, engine } = running;
        const threads = engine.threads.threads;
        if (values["ready-file"]) {
            const ready = { url: server.baseUrl, pid: process.pid, model: server.modelId, threads };
            await (0,promises_.writeFile)(values["ready-file"], `${JSON.stringify(ready)}\n`);
        }
        io.stdout.write(`serving ${server.modelId} at ${server.baseUrl} (${threads} thread${threads === 1 ? "" : "s"}, ${engine.threads.source})\n`);
        const signal = await new Promise((resolve) => {
            process.once("SIGTERM", () => resolve("SIGTERM"));
            process.once("SIGINT", () => resolve("SIGINT"));
        });
        options.log(`${signal}: finishing requests in flight, then stopping`);
        await running.close();
        return 0;
    },
};


/***/ }),

/***/ 296:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   G1: () => (/* binding */ CortexError),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   eb: () => (/* binding */ UsageError)
/* harmony export */ });
/* unused harmony exports InvalidReferenceError, DigestMismatchError, NotFoundError */
/**
 * Every failure the suite reports to a person is a CortexError: a one-line message that names the cause,
 * the underlying error kept as `cause` for debugging. Subclasses let callers branch on the kind of failure
 * without parsing messages.
 */
class CortexError extends Error {
    /** Process exit code the CLI uses when this error ends a command. */
    exitCode = 1;
    constructor(message, options) {
        super(message, options);
        this.name = new.target.name;
    }
}
/** Input that can never succeed as given (a malformed reference, an unknown flag, an invalid file). */
class UsageError extends CortexError {
    exitCode = 2;
}
/** A reference string that does not parse; the message names the offending part. */
class InvalidReferenceError extends (/* unused pure expression or super */ null && (UsageError)) {
}
/** Content whose size or digest does not match what its descriptor promised. */
class DigestMismatchError extends (/* unused pure expression or super */ null && (CortexError)) {
}
/** Something asked for (a tag, a manifest, a blob) that the target does not hold. */
class NotFoundError extends (/* unused pure expression or super */ null && (CortexError)) {
}
/** One line for a person: the message, plus the cause's message when it adds something. */
function describeError(error) {
    if (error instanceof Error) {
        const cause = error.cause instanceof Error ? (error.cause.message.split("\n")[0] ?? "").trim() : undefined;
        const firstLine = (error.message.split("\n")[0] ?? "").trim();
        return cause && !firstLine.includes(cause) ? `${firstLine}: ${cause}` : firstLine;
    }
    return String(error);
}


/***/ }),

/***/ 162:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_MODULE_node_llama_cpp_f5ac3832__;

/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 67:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(847);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
