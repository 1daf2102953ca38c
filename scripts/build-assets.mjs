// Copies the browser builds of the front-end libraries into Django's static
// tree, so the intranet serves them itself (no CDN, no external call).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
};
const target = "xinfang/web/static/vendor";
for (const [from, to] of Object.entries(files)) {
  const dest = join(target, to);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join("node_modules", from), dest);
}
console.log(`copied ${Object.keys(files).length} files to ${target}`);
