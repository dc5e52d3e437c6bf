/**
 * GNU license notices in free text: "… under the terms of the GNU Lesser
 * General Public License as published by the Free Software Foundation;
 * either version 2.1 of the License, or (at your option) any later version",
 * "version 2 of the GNU General Public License", "LGPL (v2.1 or later)",
 * "GNU GPL v3+", each optionally followed by "with … the GCC Runtime Library
 * Exception". Works on normalized text (normalize.ts). Pure.
 */
import { gnuId } from './debian-names.js';

export interface GnuNotice {
  /** SPDX id, possibly "… WITH exception". */
  license: string;
  /** Offset in the normalized text. */
  at: number;
  /** Where the notice ends in the normalized text. */
  end: number;
}

const NAME = String.raw`(?:gnu )?(?:(lesser|library|affero) )?general public license|(?:gnu )?free documentation license|gnu (?:l|a)?gpl|\b(?:l|a)?gpl\b|\bgfdl\b`;
const LATER = String.raw`(?:,? ?\(?or,? ?\(?at your option\)?,? any later(?: version)?\)?|,? ?or (?:any )?later(?: version)?\)?|,? or newer|\+)`;
/** NAME [as published by the FSF] [either] [version] N[.M] [of the License] [or (at your option) any later version] */
const FORWARD = new RegExp(
  String.raw`(${NAME})(?: \((?:l|a)?gpl\))?[\s,;:(-]*(?:as published by the free software foundation[\s,;:]*)?(?:\(?(?:either|only)\)?[\s,]*)?(?:version|ver\.?|v\.?)? ?(\d(?:\.\d)?)\b(?!\.\d)(?: of the license)?(${LATER})?`,
  'g',
);
/** version N[.M] of the NAME [, or (at your option) any later version] */
const BACKWARD = new RegExp(String.raw`\bversion (\d(?:\.\d)?) of the (${NAME})(?: \((?:l|a)?gpl\))?(${LATER})?`, 'g');
/** Mentions that are not grants: a path, the exception's own "section 7 of the GPL", "the text of the GPL version 2". */
const NOT_A_GRANT = /(?:common-licenses\/|section \d+ of (?:the )?|text of (?:the )?|a copy of (?:the )?)$/;
const GCC_EXCEPTION = /^[^.]{0,80}?\bwith (?:version 3\.1 of )?the gcc runtime library exception/;

function family(name: string): 'GPL' | 'LGPL' | 'AGPL' | 'GFDL' {
  if (/lesser|library|lgpl/.test(name)) return 'LGPL';
  if (/affero|agpl/.test(name)) return 'AGPL';
  if (/documentation|gfdl/.test(name)) return 'GFDL';
  return 'GPL';
}

/** Every versioned GNU license notice in normalized text, in order. */
export function gnuNotices(text: string): GnuNotice[] {
  const out: GnuNotice[] = [];
  const add = (name: string, version: string, later: string | undefined, at: number, end: number) => {
    if (NOT_A_GRANT.test(text.slice(Math.max(0, at - 40), at))) return;
    // "GNU Library General Public License" 2 is LGPL-2.0; the Lesser GPL is its renamed 2.1.
    const fam = family(name);
    const id = gnuId(fam, version, later !== undefined);
    if (!id) return;
    const exc = fam === 'GPL' && GCC_EXCEPTION.test(text.slice(end)) ? ' WITH GCC-exception-3.1' : '';
    out.push({ license: id + exc, at, end });
  };
  for (const m of text.matchAll(FORWARD)) add(m[1]!, m[3]!, m[4], m.index!, m.index! + m[0].length);
  for (const m of text.matchAll(BACKWARD)) add(m[2]!, m[1]!, m[4], m.index!, m.index! + m[0].length);
  return out.sort((a, b) => a.at - b.at);
}
