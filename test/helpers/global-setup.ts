import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { REGISTRY_BINARY } from "./registry.js";

const INSTALL = "sudo apt-get install -y --no-install-recommends docker-registry";

function isDebianLike(): boolean {
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(readFileSync("/etc/os-release", "utf8"));
  } catch {
    return false;
  }
}

function canRunAsRoot(): "root" | "sudo" | undefined {
  if (process.getuid?.() === 0) return "root";
  try {
    execFileSync("sudo", ["-n", "true"], { stdio: "ignore" });
    return "sudo";
  } catch {
    return undefined;
  }
}

/**
 * Integration-suite setup: the real registry the tests start must be installed. Where it is missing, it is
 * installed when that is possible without a prompt (root or passwordless sudo on Debian/Ubuntu); otherwise
 * the run stops at once with the command to run. Never a silent skip: CI must fail without it.
 */
export default async function setup(): Promise<void> {
  checkOpenssl();
  if (existsSync(REGISTRY_BINARY)) return;
  const as = isDebianLike() ? canRunAsRoot() : undefined;
  if (!as) {
    throw new Error(`${REGISTRY_BINARY} is missing; the integration tests need it. Install it with: ${INSTALL}`);
  }
  const prefix = as === "sudo" ? ["sudo", "-n"] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) => {
    const [command, ...rest] = [...prefix, ...args] as [string, ...string[]];
    execFileSync(command, rest, { stdio: "inherit", env });
  };
  process.stderr.write(`${REGISTRY_BINARY} is missing: installing Debian package docker-registry\n`);
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "--no-install-recommends", "docker-registry"]);
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`installing docker-registry did not provide ${REGISTRY_BINARY}; install it with: ${INSTALL}`);
  }
  // The package's own service listens on all interfaces with its default config; the tests start their own.
  try {
    run(["systemctl", "disable", "--now", "docker-registry"]);
  } catch {
    // No systemd (containers): the service never started.
  }
}

/** The token-auth registry's issuer makes its certificate with the openssl CLI. */
function checkOpenssl(): void {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
  } catch {
    throw new Error(
      "openssl is missing; the token-auth registry tests need it. Install it with: sudo apt-get install -y openssl",
    );
  }
}
