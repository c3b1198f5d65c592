// Builds web/dist/: MapLibre GL JS, Swagger UI and Redoc as the npm registry ships them (node_modules, pinned by
// package-lock.json), served under /carte/assets/ next to the page's own src/carte.{js,css}; MapLibre's CSP
// build (a worker file, not a blob: worker) for /espace-membre (plain ES modules in web/src/espace-membre);
// and the public pages' style and script (src/pages.{css,js}), served under /pages/assets/. No bundler.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const maplibre = join(here, "node_modules", "maplibre-gl", "dist");
const swagger = join(here, "node_modules", "swagger-ui-dist");
const redoc = join(here, "node_modules", "redoc", "bundles");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const files = [
  [join(maplibre, "maplibre-gl.js"), "maplibre-gl.js"],
  [join(maplibre, "maplibre-gl.css"), "maplibre-gl.css"],
  [join(maplibre, "LICENSE.txt"), "LICENSE-maplibre.txt"],
  [join(maplibre, "maplibre-gl-csp.js"), "maplibre-gl-csp.js"],
  [join(maplibre, "maplibre-gl-csp-worker.js"), "maplibre-gl-csp-worker.js"],
  [join(here, "src", "pages.css"), "pages.css"],
  [join(here, "src", "pages.js"), "pages.js"],
  // /docs and /redoc, offline: the API documentation loads nothing from other origins.
  [join(swagger, "swagger-ui-bundle.js"), "swagger-ui-bundle.js"],
  [join(swagger, "swagger-ui.css"), "swagger-ui.css"],
  [join(swagger, "LICENSE"), "LICENSE-swagger-ui.txt"],
  [join(redoc, "redoc.standalone.js"), "redoc.standalone.js"],
  [join(redoc, "redoc.standalone.js.LICENSE.txt"), "LICENSE-redoc.txt"],
];
for (const [from, to] of files) {
  copyFileSync(from, join(dist, to));
}
// Redoc's footer shows a logo from cdn.redoc.ly: an empty local image instead (nothing from another origin).
const redocBundle = join(dist, "redoc.standalone.js");
const logo = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const bundle = readFileSync(redocBundle, "utf8");
if (!bundle.includes(logo)) throw new Error(`redoc.standalone.js no longer contains ${logo}: review build.mjs`);
writeFileSync(redocBundle, bundle.replace(logo, "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"));
console.log(`web/dist: ${files.map(([, to]) => to).join(", ")}`);
