// tsc emits only JavaScript: the server's non-TypeScript files (src/server/**/assets/, e.g. the demo's
// small video) are copied beside it, so dist/ runs on its own (scripts/prod-smoke.sh, the Docker image).
import fs from 'node:fs';
import path from 'node:path';

const src = path.resolve('src/server');
const out = path.resolve('dist/server');
let copied = 0;
for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  const dir = entry.parentPath ?? entry.path;
  if (!entry.isFile() || !path.relative(src, dir).split(path.sep).includes('assets')) continue;
  const target = path.join(out, path.relative(src, dir), entry.name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(dir, entry.name), target);
  copied++;
}
console.log(`server assets: ${copied} file(s) copied to dist/server`);
