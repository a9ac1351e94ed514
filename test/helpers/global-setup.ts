import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { REGISTRY_BINARY } from "./registry.js";

/** System programs the tests start or call, and the Debian package of each. */
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
 * Test setup: the system components the tests use must be installed. Where some are missing, they are
 * installed when that is possible without a prompt (root or passwordless sudo on Debian/Ubuntu); otherwise
 * the run stops at once with the command to run. Never a silent skip: CI must fail without them.
 */
export default async function setup(): Promise<void> {
  const missing = REQUIRED.filter(({ program }) => !installed(program)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  const command = `sudo apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  const as = isDebianLike() ? canRunAsRoot() : undefined;
  if (!as) throw new Error(`the tests need ${missing.join(", ")}; install with: ${command}`);
  const prefix = as === "sudo" ? ["sudo", "-n"] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) => {
    const [program, ...rest] = [...prefix, ...args] as [string, ...string[]];
    execFileSync(program, rest, { stdio: "inherit", env });
  };
  process.stderr.write(`installing the Debian packages the tests need: ${missing.join(", ")}\n`);
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "--no-install-recommends", ...missing]);
  const still = REQUIRED.filter(({ program }) => !installed(program)).map(({ pkg }) => pkg);
  if (still.length > 0) throw new Error(`installing did not provide ${still.join(", ")}; install with: ${command}`);
  // These packages' own services listen with their default configs; the tests start their own.
  for (const service of missing.filter((pkg) => pkg === "docker-registry" || pkg === "tinyproxy")) {
    try {
      run(["systemctl", "disable", "--now", service]);
    } catch {
      // No systemd (containers): the service never started.
    }
  }
}
