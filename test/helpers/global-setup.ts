import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { REGISTRY_BINARY } from "./registry.js";

/** System programs the tests start or call, and the Debian package of each (.ci/run installs them). */
const REQUIRED: readonly { readonly program: string; readonly pkg: string }[] = [
  { program: REGISTRY_BINARY, pkg: "docker-registry" },
  // The token-auth registry's issuer makes its certificate with the openssl CLI.
  { program: "openssl", pkg: "openssl" },
  // The backends' release-archive tests make and unpack .zip and .tar.zst archives.
  { program: "zip", pkg: "zip" },
  { program: "unzip", pkg: "unzip" },
  { program: "zstd", pkg: "zstd" },
  // The proxy tests tunnel registry traffic through a real HTTP proxy.
  { program: "tinyproxy", pkg: "tinyproxy" },
  // The store's layout is read back by skopeo, a tool not written here.
  { program: "skopeo", pkg: "skopeo" },
  // Metrics: promtool checks the exposition and the example alerting rules; results are pushed to a real
  // Pushgateway.
  { program: "/usr/bin/promtool", pkg: "prometheus" },
  { program: "/usr/bin/prometheus-pushgateway", pkg: "prometheus-pushgateway" },
];

function installed(program: string): boolean {
  if (program.startsWith("/")) return existsSync(program);
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Test setup: the system components the tests use must be installed. A missing one stops the run at once with
 * the command that installs it; never a silent skip, so CI fails without them.
 */
export default function setup(): void {
  const missing = REQUIRED.filter(({ program }) => !installed(program)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  throw new Error(
    `the tests need ${missing.join(", ")}; install with: sudo apt-get install -y --no-install-recommends ${missing.join(" ")} (or run .ci/run)`,
  );
}
