import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeb822Sources, parseOneLineSources } from '../../../src/sources/debian/apt-sources.js';
import { chooseMirror } from '../../../src/sources/debian/discover.js';
import { hasCode } from '../../../src/errors.js';

const deb822 = `Types: deb
URIs: http://mirror.example.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://src.example.invalid/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://mirror.example.invalid/debian-security/
Suites: bookworm-security
Components: main

Types: deb
Enabled: no
URIs: http://disabled.example.invalid/debian
Suites: sid
Components: main
`;

describe('host apt sources', () => {
  const sources = parseDeb822Sources(deb822, 'debian.sources');

  it('parses deb822 .sources, skipping deb-src and disabled entries', () => {
    assert.deepEqual(
      sources.map((s) => [s.uri, s.suites, s.origin]),
      [
        ['http://mirror.example.invalid/debian', ['bookworm', 'bookworm-updates'], 'debian.sources:1'],
        ['http://mirror.example.invalid/debian-security', ['bookworm-security'], 'debian.sources:12'],
      ],
    );
  });

  it('parses one-line sources.list with options and comments', () => {
    const s = parseOneLineSources(
      '# comment\ndeb [arch=amd64 signed-by=/k.gpg] https://m.example.invalid/debian trixie main contrib\ndeb-src http://x/ y main\ndeb cdrom:[x]/ bookworm main\n',
      'sources.list',
    );
    assert.deepEqual(s, [
      {
        uri: 'https://m.example.invalid/debian',
        suites: ['trixie'],
        components: ['main', 'contrib'],
        origin: 'sources.list:2',
      },
    ]);
  });

  it('picks the source that lists the suite, else one of the same archive', () => {
    const ctx = { env: {}, hostSources: sources };
    assert.equal(chooseMirror('bookworm-updates', ctx).url, 'http://mirror.example.invalid/debian');
    assert.equal(chooseMirror('bookworm-security', ctx).url, 'http://mirror.example.invalid/debian-security');
    assert.equal(chooseMirror('trixie', ctx).url, 'http://mirror.example.invalid/debian');
    assert.equal(chooseMirror('trixie-security', ctx).url, 'http://mirror.example.invalid/debian-security');
  });

  it('prefers $PARE_MIRROR and $PARE_SECURITY_MIRROR', () => {
    const ctx = {
      env: { PARE_MIRROR: 'http://127.0.0.1:9/debian/', PARE_SECURITY_MIRROR: 'http://127.0.0.1:9/sec' },
      hostSources: sources,
    };
    assert.deepEqual(chooseMirror('bookworm', ctx), { url: 'http://127.0.0.1:9/debian', via: '$PARE_MIRROR' });
    assert.equal(chooseMirror('bookworm-security', ctx).url, 'http://127.0.0.1:9/sec');
  });

  it('fails with a hint when nothing serves the suite', () => {
    assert.throws(
      () => chooseMirror('bookworm', { env: {}, hostSources: [] }),
      (e) => hasCode(e, 'SOURCES_NOT_FOUND') && /PARE_MIRROR/.test(e.hint ?? ''),
    );
  });
});
