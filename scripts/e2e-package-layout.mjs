// Packages a GGUF as a Docker Model Runner artifact in an OCI image layout, for .github/workflows/e2e.yml:
//   node scripts/e2e-package-layout.mjs <model.gguf> <layout-dir> <tag>
// Imports the built code (npm run build first). Prints the manifest digest.
import { readFile } from "node:fs/promises";
import { sha256Digest } from "../lib/core/digest.js";
import { MediaType } from "../lib/core/media-types.js";
import { dmrConfigBlob, dmrManifestBlob } from "../lib/dmr/dmr-artifact.js";
import { readGgufModelInfo } from "../lib/model/gguf-metadata.js";
import { OciLayout } from "../lib/store/oci-layout.js";

const [gguf, dir, tag] = process.argv.slice(2);
if (!gguf || !dir || !tag) {
  console.error("usage: node scripts/e2e-package-layout.mjs <model.gguf> <layout-dir> <tag>");
  process.exit(2);
}
const bytes = await readFile(gguf);
const layer = { mediaType: MediaType.dmrGguf, digest: sha256Digest(bytes), size: bytes.byteLength };
const config = dmrConfigBlob(await readGgufModelInfo(gguf), { diffIds: [layer.digest], created: new Date(0) });
const manifest = dmrManifestBlob(config.descriptor, [layer]);
const layout = await OciLayout.open(dir, { create: true });
await layout.pushBlob(layer, bytes);
await layout.pushBlob(config.descriptor, config.bytes);
await layout.pushManifest(manifest.descriptor, manifest.bytes, { tag });
console.log(manifest.descriptor.digest);
