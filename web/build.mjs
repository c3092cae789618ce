// Bundles the workbench's browser code (web/src) into the Python package (src/perfkg/web/static) with esbuild.
// Deterministic: same lock file + same sources -> byte-identical files (CI rebuilds and compares).
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";

const outdir = "../src/perfkg/web/static";
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: { editor: "src/editor.js", library: "src/library.js", workbench: "src/workbench.css" },
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: ["es2020"],
  outdir,
  chunkNames: "chunk-[hash]",
  assetNames: "asset-[hash]",
  legalComments: "external",
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".svg": "file", ".png": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "info",
});
