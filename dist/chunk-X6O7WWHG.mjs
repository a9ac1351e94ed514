import { createRequire as __createRequire } from "node:module";
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-R62IGYHN.mjs";

// src/core/errors.ts
var CortexError = class extends Error {
  static {
    __name(this, "CortexError");
  }
  /** Process exit code the CLI uses when this error ends a command. */
  exitCode = 1;
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
};
var UsageError = class extends CortexError {
  static {
    __name(this, "UsageError");
  }
  exitCode = 2;
};
var InvalidReferenceError = class extends UsageError {
  static {
    __name(this, "InvalidReferenceError");
  }
};
var DigestMismatchError = class extends CortexError {
  static {
    __name(this, "DigestMismatchError");
  }
};
var NotFoundError = class extends CortexError {
  static {
    __name(this, "NotFoundError");
  }
  exitCode = 2;
};
var FormatError = class extends CortexError {
  static {
    __name(this, "FormatError");
  }
};
var EnvironmentError = class extends CortexError {
  static {
    __name(this, "EnvironmentError");
  }
};
var TransferError = class extends CortexError {
  static {
    __name(this, "TransferError");
  }
};
function describeError(error) {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? (error.cause.message.split("\n")[0] ?? "").trim() : void 0;
    const firstLine = (error.message.split("\n")[0] ?? "").trim();
    return cause && !firstLine.includes(cause) ? `${firstLine}: ${cause}` : firstLine;
  }
  return String(error);
}
__name(describeError, "describeError");

export {
  CortexError,
  UsageError,
  InvalidReferenceError,
  DigestMismatchError,
  NotFoundError,
  FormatError,
  EnvironmentError,
  TransferError,
  describeError
};
