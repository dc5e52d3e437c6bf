/** Wheel selection for a cp311 / glibc 2.36 / x86_64 image, requirements and pylock parsing, markers. Pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseWheel } from '../../src/ecosystems/python/select.js';
import { parseRequirements } from '../../src/ecosystems/python/requirements.js';
import { parsePylock } from '../../src/ecosystems/python/pylock.js';
import { evaluateMarker, markerEnv } from '../../src/ecosystems/python/markers.js';
import { pythonRuntime } from '../../src/ecosystems/python/runtime.js';
import { hasCode } from '../../src/errors.js';

const py = { major: 3, minor: 11, glibc: [2, 36] as [number, number], machine: 'x86_64' };
const H = (c: string) => c.repeat(64);
const want = { name: 'demo', version: '1.0', where: 'requirements.txt:1' };
const file = (tag: string, sha = H('a')) => ({ filename: `demo-1.0-${tag}.whl`, url: `http://x/${tag}`, sha256: sha });

describe('wheel selection', () => {
  const table: Array<[string, boolean]> = [
    ['cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', true],
    ['cp311-cp311-manylinux_2_36_x86_64', true],
    ['cp311-cp311-manylinux_2_39_x86_64', false],
    ['cp312-cp312-manylinux_2_17_x86_64', false],
    ['cp38-abi3-manylinux_2_17_x86_64', true],
    ['cp311-cp311-manylinux_2_17_aarch64', false],
    ['cp311-cp311-musllinux_1_2_x86_64', false],
    ['cp311-cp311-win_amd64', false],
    ['py3-none-any', true],
    ['py2-none-any', false],
    ['cp311-cp311-manylinux1_x86_64', true],
  ];
  for (const [tag, ok] of table)
    it(`${tag}: ${ok ? 'accepted' : 'refused'}`, () => {
      if (ok) assert.equal(chooseWheel(want, [file(tag)], py).filename, `demo-1.0-${tag}.whl`);
      else
        assert.throws(
          () => chooseWheel(want, [file(tag)], py),
          (e) => hasCode(e, 'APP_NOT_FOUND') && /no wheel of demo==1\.0 runs on the image/.test(e.message),
        );
    });

  it('says why: glibc too old, wrong interpreter', () => {
    assert.throws(
      () =>
        chooseWheel(want, [file('cp311-cp311-manylinux_2_39_x86_64'), file('cp312-cp312-manylinux_2_17_x86_64')], py),
      (e) =>
        hasCode(e, 'APP_NOT_FOUND') &&
        /manylinux_2_39_x86_64 needs glibc 2\.39, the image has 2\.36/.test(e.message) &&
        /cp312 is not the image's cp311/.test(e.message),
    );
  });

  it('prefers the most specific wheel: cp311 manylinux over abi3 over py3-none-any', () => {
    const files = [
      file('py3-none-any', H('1')),
      file('cp38-abi3-manylinux_2_17_x86_64', H('2')),
      file('cp311-cp311-manylinux_2_28_x86_64', H('3')),
    ];
    assert.equal(chooseWheel(want, files, py).sha256, H('3'));
    assert.equal(chooseWheel(want, files.slice(0, 2), py).sha256, H('2'));
  });

  it('refuses an sdist-only release, naming it', () => {
    assert.throws(
      () => chooseWheel(want, [{ filename: 'demo-1.0.tar.gz', url: 'http://x/s', sha256: H('b') }], py),
      (e) => hasCode(e, 'APP_SDIST_ONLY') && /demo==1\.0 is published only as a source distribution/.test(e.message),
    );
  });

  it('only takes files whose sha256 the requirement allows', () => {
    const files = [file('py3-none-any', H('c'))];
    assert.equal(chooseWheel({ ...want, hashes: [H('c')] }, files, py).sha256, H('c'));
    assert.throws(
      () => chooseWheel({ ...want, hashes: [H('d')] }, files, py),
      (e) => hasCode(e, 'HASH_MISMATCH'),
    );
  });
});

describe('requirements.txt (hash-checking mode)', () => {
  it('reads pins, hashes over continuation lines, markers and the index url', () => {
    const r = parseRequirements(
      `--index-url http://127.0.0.1:1/simple\n# comment\nRequests==2.31.0 \\\n    --hash=sha256:${H('a')} \\\n    --hash=sha256:${H('b')}\nzipp_x==3.0 ; python_version < "3.12" --hash=sha256:${H('c')}\n`,
      'req.txt',
    );
    assert.equal(r.indexUrl, 'http://127.0.0.1:1/simple');
    assert.deepEqual(
      r.requirements.map((x) => [x.name, x.version, x.hashes.length, x.marker, x.line]),
      [
        ['requests', '2.31.0', 2, undefined, 3],
        ['zipp-x', '3.0', 1, 'python_version < "3.12"', 6],
      ],
    );
  });

  it('reports every unpinned or unhashed requirement at once', () => {
    assert.throws(
      () => parseRequirements(`a>=1 --hash=sha256:${H('a')}\nb==1\n-e .\n`, 'req.txt'),
      (e) =>
        hasCode(e, 'APP_LOCKFILE') &&
        /req\.txt:1: a is not pinned/.test(e.message) &&
        /req\.txt:2: b==1 has no --hash/.test(e.message) &&
        /req\.txt:3/.test(e.message),
    );
  });
});

describe('pylock.toml (PEP 751)', () => {
  it('reads wheels, sdists and markers; refuses sources that need a build', () => {
    const text = `lock-version = "1.0"\ncreated-by = "test"\n[[packages]]\nname = "Demo_Pkg"\nversion = "1.0"\nmarker = "sys_platform == 'linux'"\nwheels = [{ url = "http://127.0.0.1:1/demo_pkg-1.0-py3-none-any.whl", hashes = { sha256 = "${H('a')}" } }]\n[packages.sdist]\nurl = "http://127.0.0.1:1/demo_pkg-1.0.tar.gz"\nhashes = { sha256 = "${H('b')}" }\n`;
    const [p] = parsePylock(text, 'pylock.toml');
    assert.equal(p!.name, 'demo-pkg');
    assert.equal(p!.wheels[0]!.name, 'demo_pkg-1.0-py3-none-any.whl');
    assert.equal(p!.sdist!.sha256, H('b'));
    assert.throws(
      () =>
        parsePylock(
          `lock-version = "1.0"\n[[packages]]\nname = "x"\nversion = "1"\n[packages.vcs]\ntype = "git"\n`,
          'pylock.toml',
        ),
      (e) => hasCode(e, 'APP_LOCKFILE') && /needs a build/.test(e.message),
    );
    assert.throws(
      () => parsePylock(`lock-version = "2.0"\n`, 'pylock.toml'),
      (e) => hasCode(e, 'APP_LOCKFILE'),
    );
  });
});

describe('markers and the runtime', () => {
  it('evaluates PEP 508 markers for the image', () => {
    const env = markerEnv('3.11.2', 'x86_64');
    assert.equal(evaluateMarker('python_version >= "3.8" and sys_platform == "linux"', env, 'x'), true);
    assert.equal(evaluateMarker('python_version < "3.10" or platform_machine == "aarch64"', env, 'x'), false);
    assert.equal(evaluateMarker('(os_name == "nt") or python_full_version == "3.11.2"', env, 'x'), true);
    assert.throws(
      () => evaluateMarker('bogus_var == "1"', env, 'x'),
      (e) => hasCode(e, 'APP_LOCKFILE'),
    );
  });

  it('finds cp311 and glibc 2.36 in the resolved packages', () => {
    const rt = pythonRuntime({
      arch: 'amd64',
      packages: new Map([
        ['python3', '3.11.2-1+b1'],
        ['python3.11', '3.11.2-6+deb12u6'],
        ['libc6', '2.36-9+deb12u10'],
      ]),
    });
    assert.deepEqual(
      [rt.major, rt.minor, rt.full, rt.glibc, rt.machine, rt.package],
      [3, 11, '3.11.2', [2, 36], 'x86_64', 'python3'],
    );
    assert.throws(
      () => pythonRuntime({ arch: 'amd64', packages: new Map([['libc6', '2.36-9']]) }),
      (e) => hasCode(e, 'APP_NOT_FOUND'),
    );
  });
});
