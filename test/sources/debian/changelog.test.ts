/** Debian changelog parsing: entries, urgency, CVE IDs, and what changed since a version. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changesSince, maxUrgency, parseChangelog } from '../../../src/sources/debian/changelog.js';

const TEXT = `openssl (3.0.17-1~deb12u2) bookworm-security; urgency=high

  * Fix CVE-2025-9230: out-of-bounds read and write in RFC 3211 KEK unwrap.
  * Fix CVE-2025-9232 (an out-of-bounds read), and CVE-2025-9230 again.

 -- Security Team <team@security.invalid>  Tue, 30 Sep 2025 10:00:00 +0200

openssl (3.0.17-1~deb12u1) bookworm; urgency=medium, binary-only=yes

  * New upstream release. Mentions CVE-2024-13176.

 -- Maint <m@example.invalid>  Mon, 01 Jul 2025 00:00:00 +0000

openssl (3.0.11-1~deb12u2) bookworm-security bookworm; urgency=Low

  * CVE-2023-5678

 -- Maint <m@example.invalid>  Mon, 01 Jul 2023 00:00:00 +0000

openssl (3.0.9-1) unstable

  * no urgency given: counts as low

 -- Maint <m@example.invalid>  Mon, 01 Jun 2023 00:00:00 +0000

Old Changelog:
openssl (0.9) CVE-1999-0001
`;

describe('Debian changelogs', () => {
  it('parses each entry: source, version, distributions, urgency, CVE IDs in order, each once', () => {
    const e = parseChangelog(TEXT);
    assert.deepEqual(
      e.map((x) => [x.source, x.version, x.distributions.join(' '), x.urgency, x.cves.join(' ')]),
      [
        ['openssl', '3.0.17-1~deb12u2', 'bookworm-security', 'high', 'CVE-2025-9230 CVE-2025-9232'],
        ['openssl', '3.0.17-1~deb12u1', 'bookworm', 'medium', 'CVE-2024-13176'],
        ['openssl', '3.0.11-1~deb12u2', 'bookworm-security bookworm', 'low', 'CVE-2023-5678'],
      ],
      'the entry without ";" is not a header: parsing stops there, before the old changelog',
    );
  });

  it('changesSince takes the entries newer than a version by Debian ordering (~, epochs)', () => {
    const e = parseChangelog(TEXT);
    const s = changesSince(e, '3.0.17-1~deb12u1');
    assert.deepEqual(
      s.entries.map((x) => x.version),
      ['3.0.17-1~deb12u2'],
    );
    assert.deepEqual(s.cves, ['CVE-2025-9230', 'CVE-2025-9232']);
    assert.equal(s.urgency, 'high');
    // ~ sorts before the end: 3.0.17-1~deb12u2 is older than 3.0.17-1.
    assert.deepEqual(changesSince(e, '3.0.17-1'), { entries: [], cves: [] });
    const two = changesSince(e, '3.0.16-1');
    assert.deepEqual(two.cves, ['CVE-2024-13176', 'CVE-2025-9230', 'CVE-2025-9232']);
    assert.equal(two.urgency, 'high');
    const all = changesSince(e, '3.0.10');
    assert.equal(all.entries.length, 3);
    assert.deepEqual(all.cves, ['CVE-2023-5678', 'CVE-2024-13176', 'CVE-2025-9230', 'CVE-2025-9232']);
    assert.deepEqual(changesSince(e, '1:1.0'), { entries: [], cves: [] });
  });

  it('orders urgencies low < medium < high < emergency < critical', () => {
    assert.equal(maxUrgency('low', 'medium'), 'medium');
    assert.equal(maxUrgency('critical', 'high'), 'critical');
    assert.equal(maxUrgency('emergency', 'high'), 'emergency');
    assert.equal(maxUrgency('weird', 'low'), 'low');
  });

  it('reads nothing from text that is not a changelog', () => {
    assert.deepEqual(parseChangelog('hello\n  * CVE-2020-1234\n'), []);
    assert.deepEqual(parseChangelog(''), []);
  });
});
