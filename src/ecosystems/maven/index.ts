/**
 * The maven ecosystem, two ways in:
 *
 *   scan: a JAR the config adds with `paths` reports its Maven coordinates
 *         (pkg:maven) from pom.properties, fat JARs' nested ones too — for
 *         applications built elsewhere, whose build resolved and verified them;
 *   plan: `maven.artifacts` (GROUP:ARTIFACT:VERSION[:CLASSIFIER] with the
 *         JAR's sha256) are fetched from the repository Maven would use for
 *         central (repository.ts), verified, and placed in `maven.path`
 *         (default /app/lib) as ARTIFACT-VERSION[-CLASSIFIER].jar in the
 *         application layer. No Maven runs; no transitive resolution: every
 *         JAR is named and pinned, as a lock would.
 */
import type { MavenArtifact } from '../../config/index.js';
import type { TreeEntry } from '../../tree/types.js';
import type { AppComponent, AppPlan, Ecosystem, PlanInput } from '../types.js';
import { jarComponents, mavenPurl } from './jar.js';
import { findMavenRepository } from './repository.js';

export function jarName(a: MavenArtifact): string {
  return `${a.artifact}-${a.version}${a.classifier ? `-${a.classifier}` : ''}.jar`;
}

/** The repository path of an artifact's JAR (Maven's default layout). */
export function artifactPath(a: MavenArtifact): string {
  return `${a.group.replace(/\./g, '/')}/${a.artifact}/${a.version}/${jarName(a)}`;
}

/** The JRE package that runs JARs, when the image has one. */
function jreOf(packages: ReadonlyMap<string, string>): string | undefined {
  return [...packages.keys()].find((n) => /^openjdk-\d+-jre(-headless)?$/.test(n));
}

export async function planMaven(input: PlanInput): Promise<AppPlan | undefined> {
  const cfg = input.config.maven;
  if (!cfg) return undefined;
  const repo = await findMavenRepository(input.env, cfg.repository);
  const base = cfg.path.replace(/^\/+/, '');
  const runtime = jreOf(input.runtime.packages);
  return {
    ecosystem: 'maven',
    artifacts: cfg.artifacts.map((a) => ({ url: `${repo}/${artifactPath(a)}`, sha256: a.sha256, label: jarName(a) })),
    install(bodies) {
      const entries: TreeEntry[] = base ? [{ path: base, type: 'dir', mode: 0o755, uid: 0, gid: 0 }] : [];
      const components: AppComponent[] = [];
      cfg.artifacts.forEach((a, i) => {
        const path = base ? `${base}/${jarName(a)}` : jarName(a);
        const owner = `maven:${a.group}:${a.artifact}`;
        entries.push({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, data: bodies[i]!, owner });
        let found: AppComponent[] = [];
        try {
          found = jarComponents(path, bodies[i]!);
        } catch {
          // not a readable archive: reported by its coordinates alone
        }
        const purl = mavenPurl(a.group, a.artifact, a.version);
        const self = found.find((c) => c.purl === purl);
        const own: AppComponent = {
          ecosystem: 'maven',
          name: `${a.group}:${a.artifact}`,
          version: a.version,
          purl,
          license: self?.license ?? 'NOASSERTION',
          sha256: a.sha256,
          file: jarName(a),
          path,
        };
        for (const c of [own, ...found.filter((c) => c !== self)]) components.push(runtime ? { ...c, runtime } : c);
      });
      return { entries, components, warnings: [] };
    },
  };
}

export const maven: Ecosystem = { id: 'maven', plan: planMaven, scan: jarComponents };
