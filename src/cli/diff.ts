/**
 * `pare diff A B`: what changed from image A to image B — packages (added,
 * removed, new versions, with the bytes each takes), files, image config and
 * shared layers. A and B are OCI layouts, docker-archives or registry
 * references. Text on stdout, or --json. Exit 0 whether or not they differ.
 */
import { UsageError } from '../errors.js';
import { humanBytes } from '../fetch/index.js';
import { diffImages, type ImageDiff } from '../pipeline/image-diff.js';
import { openImage } from '../pipeline/open-image.js';
import { baseRegistryFrom, baseRegistryOptions, cacheFrom } from './common.js';
import { EXIT } from './io.js';
import { command } from './command.js';

const MAX_FILES = 50;

function signed(n: number): string {
  return `${n < 0 ? '-' : '+'}${humanBytes(Math.abs(n))}`;
}

export function formatDiff(d: ImageDiff, allFiles: boolean): string {
  const out: string[] = [];
  const p = d.packages;
  out.push(
    `A: ${d.a.source}${d.a.digest ? ` ${d.a.digest}` : ''}`,
    `B: ${d.b.source}${d.b.digest ? ` ${d.b.digest}` : ''}`,
  );
  out.push(`packages: ${p.added.length} added, ${p.removed.length} removed, ${p.changed.length} changed`);
  for (const x of p.added) out.push(`  + ${x.name} ${x.version} (${humanBytes(x.size)})`);
  for (const x of p.removed) out.push(`  - ${x.name} ${x.version} (${humanBytes(x.size)})`);
  for (const x of p.changed) out.push(`  ~ ${x.name} ${x.from} -> ${x.to} (${signed(x.sizeTo - x.sizeFrom)})`);
  const f = d.files;
  out.push(`files: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed`);
  const rows = [
    ...f.added.map(
      (x) =>
        `  + ${x.path}${x.type === 'file' ? ` ${humanBytes(x.size)}` : ` (${x.type})`}${x.package ? ` [${x.package}]` : ''}`,
    ),
    ...f.removed.map(
      (x) =>
        `  - ${x.path}${x.type === 'file' ? ` ${humanBytes(x.size)}` : ` (${x.type})`}${x.package ? ` [${x.package}]` : ''}`,
    ),
    ...f.changed.map((x) => `  ~ ${x.path} (${x.changes.join(', ')})${x.package ? ` [${x.package}]` : ''}`),
  ];
  out.push(...(allFiles ? rows : rows.slice(0, MAX_FILES)));
  if (!allFiles && rows.length > MAX_FILES) out.push(`  ... ${rows.length - MAX_FILES} more (--all-files, or --json)`);
  out.push(`config: ${d.config.length ? '' : 'same'}`.trimEnd());
  for (const c of d.config)
    out.push(`  ~ ${c.key}: ${JSON.stringify(c.a) ?? '(unset)'} -> ${JSON.stringify(c.b) ?? '(unset)'}`);
  out.push(
    `layers: ${d.a.layers} -> ${d.b.layers} (${d.sharedLayers} shared)`,
    `size: ${humanBytes(d.a.size)} -> ${humanBytes(d.b.size)} (${signed(d.b.size - d.a.size)}), files: ${d.a.files} -> ${d.b.files}`,
  );
  return out.join('\n') + '\n';
}

export const diffCommand = command({
  name: 'diff',
  summary: 'Compare two images: packages, files, config and layers added, removed or changed',
  usage:
    'pare diff A B [--json] [--arch ARCH]   (A, B: DIR[:TAG], oci:DIR[:TAG], docker-archive:FILE, HOST/REPO[:TAG][@DIGEST])',
  options: {
    json: { type: 'boolean', description: 'Machine-readable output' },
    'all-files': { type: 'boolean', description: `List every changed file (default: the first ${MAX_FILES})` },
    arch: { type: 'string', description: "Platform to compare in multi-arch images (default: this host's)" },
    'cache-dir': { type: 'string', description: 'Cache for images pulled from registries (default as for build)' },
    ...baseRegistryOptions,
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 2)
      throw new UsageError('USAGE', `expected two images, got ${positionals.length}`, {
        hint: 'pare diff out-a:latest out-b:latest',
      });
    const opts = {
      cache: cacheFrom(values, io),
      registry: baseRegistryFrom(values, io),
      ...(values.arch ? { arch: values.arch } : {}),
    };
    const a = await openImage(positionals[0]!, opts);
    const b = await openImage(positionals[1]!, opts);
    const d = diffImages(a, b);
    io.stdout.write(values.json ? JSON.stringify(d, null, 2) + '\n' : formatDiff(d, values['all-files'] === true));
    return EXIT.OK;
  },
});
