/**
 * Fingerprints of license texts and of statements naming a license, matched
 * against normalized text (normalize.ts). Each rule is a sentence that only
 * that license's text (or an explicit statement of it) contains; a rule with
 * `classify` looks at the whole text block that starts there (up to the
 * block's end) to tell variants apart, as the BSD family needs. Pure data and
 * small functions.
 */

export type How =
  'license text' | 'license notice' | 'license name' | 'common-licenses reference' | 'unrecognized license text';

export interface TextRule {
  re: RegExp;
  how: How;
  /** The SPDX id, or a function of the block (text from the match to `end`). */
  license: string | ((block: string) => string);
  /** Where a block ends (default: 1,500 characters on). */
  end?: RegExp;
  /** Where the text starts when the matched sentence is not its first (searched up to 1,000 characters back). */
  start?: RegExp;
}

/** The last clause of Python's license agreements. */
const AGREEMENT_END = /agrees to be bound by the terms and conditions of this license agreement\./;

const bsd = (block: string): string => {
  if (/all advertising materials mentioning features or use of this software must display/.test(block))
    return /university of california, berkeley and its contributors/.test(block) ? 'BSD-4-Clause-UC' : 'BSD-4-Clause';
  if (
    /neither the names? of|names? of (?:its |the )?(?:contributors|authors|copyright holders?)[^.]{0,80} (?:may|must|shall) not be used|may not be used to endorse or promote/.test(
      block,
    )
  )
    return 'BSD-3-Clause';
  return 'BSD-2-Clause';
};

export const TEXT_RULES: readonly TextRule[] = [
  {
    re: /redistribution and use in source and binary forms, with or without modification, are permitted/g,
    how: 'license text',
    license: bsd,
    end: /such damages?\.|possibility of such damage/,
  },
  {
    re: /permission is hereby granted, free of charge, to any person obtaining a copy of this software/g,
    how: 'license text',
    license: (b) => (/except as contained in this notice, the names? of/.test(b) ? 'X11' : 'MIT'),
    end: /other dealings in the software\./,
  },
  {
    re: /permission to use, copy, modify, and(?:\/or)? distribute this software for any purpose with or without fee is hereby granted/g,
    how: 'license text',
    license: 'ISC',
  },
  {
    re: /permission to use, copy, modify,? and distribute this software and its documentation for any purpose with or without fee is hereby granted/g,
    how: 'license text',
    license: 'NTP',
  },
  {
    re: /permission to use, copy, modify, and distribute this software is freely granted, provided that this notice is preserved/g,
    how: 'license text',
    license: 'SunPro',
  },
  {
    re: /permission to use, copy, modify, distribute,? and sell this software and its documentation for any purpose is hereby granted without fee/g,
    how: 'license text',
    license: 'HPND-sell-variant',
  },
  {
    re: /permission to use, copy, modify,? and distribute this (?:python )?software and its (?:associated )?documentation for any purpose (?:and )?without fee is hereby granted/g,
    how: 'license text',
    license: 'HPND',
  },
  {
    re: /altered source versions must be plainly marked as such,? and must not be misrepresented as being the original software/g,
    how: 'license text',
    license: 'Zlib',
    start: /permission is granted to anyone to use this software for any purpose/,
  },
  { re: /\bapache license,? (?:version |v)?2\.0\b/g, how: 'license notice', license: 'Apache-2.0' },
  { re: /\bmozilla public license,? (?:version |v\. ?|v)?2\.0\b/g, how: 'license notice', license: 'MPL-2.0' },
  { re: /\bmozilla public license,? (?:version |v\. ?|v)?1\.1\b/g, how: 'license notice', license: 'MPL-1.1' },
  {
    re: /\bpython software foundation license (?:agreement )?version 2\b|\bpsf license agreement for python\b/g,
    how: 'license text',
    license: 'PSF-2.0',
    end: AGREEMENT_END,
  },
  {
    re: /\bcnri open source gpl-compatible license agreement\b/g,
    how: 'license text',
    license: 'CNRI-Python-GPL-Compatible',
  },
  {
    re: /\bcnri license agreement for python 1\.6\.1\b/g,
    how: 'license text',
    license: 'CNRI-Python',
    end: AGREEMENT_END,
  },
  { re: /\bboost software license,? -? ?version 1\.0\b/g, how: 'license notice', license: 'BSL-1.0' },
  { re: /\buniversity of illinois\/ncsa open source license\b/g, how: 'license text', license: 'NCSA' },
  { re: /\bthe openldap public license version 2\.8\b/g, how: 'license text', license: 'OLDAP-2.8' },
  {
    re: /\bthis file is free software; the free software foundation gives unlimited permission to copy and\/or distribute it, with or without modifications, as long as this notice is preserved\b/g,
    how: 'license text',
    license: 'FSFULLR',
  },
  {
    re: /\bcopying and distribution of this file, with or without modification, are permitted in any medium without royalty provided the copyright notice and this notice are preserved\b/g,
    how: 'license text',
    license: 'FSFAP',
  },
  { re: /\bfsf all permissive license\b/g, how: 'license name', license: 'FSFAP' },
  {
    re: /\bcreative commons (?:attribution[- ]sharealike|attribution|cc0) (?:\d\.\d)\b/g,
    how: 'license notice',
    license: (b) => {
      const m = /creative commons (attribution[- ]sharealike|attribution|cc0) (\d\.\d)/.exec(b)!;
      return m[1] === 'cc0' ? `CC0-${m[2]}` : `CC-BY${m[1]!.includes('sharealike') ? '-SA' : ''}-${m[2]}`;
    },
  },
  { re: /\b([0234])-clause bsd\b|\bbsd[- ]([0234])[- ]clause\b/g, how: 'license name', license: (b) => bsdName(b) },
];

function bsdName(block: string): string {
  const n = /([0234])-clause bsd|bsd[- ]([0234])[- ]clause/.exec(block)!;
  const k = n[1] ?? n[2]!;
  return k === '0' ? '0BSD' : `BSD-${k}-Clause`;
}

/** "… is in the public domain", "placed into the public domain", "Public domain, written by …". */
export const PUBLIC_DOMAIN =
  /\b(?:(?:is|are|been|was|were|placed|released|dedicated|put|hereby) (?:\w+ ){0,3}(?:in|into|to) the public domain|public domain, written by)\b/g;
