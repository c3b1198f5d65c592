// Builds web/dist/: MapLibre GL JS as the npm registry ships it (node_modules, pinned by
// package-lock.json), served under /carte/assets/ next to the page's own src/carte.{js,css}; and the
// public pages' style and script (src/pages.{css,js}), served under /pages/assets/. No bundler.
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
  [join(here, "src", "pages.css"), "pages.css"],
  [join(here, "src", "pages.js"), "pages.js"],
];
for (const [from, to] of files) {
  copyFileSync(from, join(dist, to));
}
console.log(`web/dist: ${files.map(([, to]) => to).join(", ")}`);
