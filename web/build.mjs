// Builds web/dist/: MapLibre GL JS as the npm registry ships it (node_modules, pinned by
// package-lock.json), served under /carte/assets/ next to the page's own src/carte.{js,css}, and its
// CSP build (a worker file instead of a blob: worker) for /espace-membre, whose policy is `script-src
// 'self'`. No bundler: the member space is plain ES modules served from web/src/espace-membre.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const maplibre = join(here, "node_modules", "maplibre-gl", "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const files = [
  [join(maplibre, "maplibre-gl.js"), "maplibre-gl.js"],
  [join(maplibre, "maplibre-gl.css"), "maplibre-gl.css"],
  [join(maplibre, "LICENSE.txt"), "LICENSE-maplibre.txt"],
  [join(maplibre, "maplibre-gl-csp.js"), "maplibre-gl-csp.js"],
  [join(maplibre, "maplibre-gl-csp-worker.js"), "maplibre-gl-csp-worker.js"],
];
for (const [from, to] of files) {
  copyFileSync(from, join(dist, to));
}
console.log(`web/dist: ${files.map(([, to]) => to).join(", ")}`);
