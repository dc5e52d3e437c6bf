/** Shared by the SBOM tests: the official JSON Schemas (test/fixtures/schemas) in ajv, and a DEP-5 copyright file. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import _addFormats, { type FormatsPlugin } from 'ajv-formats';
import { REPO_ROOT } from '../helpers/cli.js';

// ajv-formats is CommonJS: its function is module.exports (and .default of it).
const addFormats = ((_addFormats as unknown as { default?: FormatsPlugin }).default ?? _addFormats) as FormatsPlugin;
const SCHEMAS = join(REPO_ROOT, 'test/fixtures/schemas');

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** ajv (draft-07) with the official schemas; CycloneDX's $refs resolve by the referenced schemas' $id. */
export async function schemaValidators(): Promise<{ spdx: Validate; cyclonedx: Validate; cdxLicenseIds: Set<string> }> {
  const json = async (f: string) => JSON.parse(await readFile(join(SCHEMAS, f), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats ajv-formats lacks: checked loosely (no whitespace or characters IRIs exclude).
  ajv.addFormat('iri-reference', (s: string) => !/[\s<>"{}|\\^`]/u.test(s));
  ajv.addFormat('idn-email', (s: string) => /^[^\s@]+@[^\s@]+$/u.test(s));
  const cdxSpdx = await json('cyclonedx-1.6/spdx.schema.json');
  ajv.addSchema(cdxSpdx);
  ajv.addSchema(await json('cyclonedx-1.6/jsf-0.82.schema.json'));
  const cyclonedx = ajv.compile(await json('cyclonedx-1.6/bom-1.6.schema.json'));
  const spdx = ajv.compile(await json('spdx-2.3/spdx-schema.json'));
  return { spdx, cyclonedx, cdxLicenseIds: new Set(cdxSpdx.enum as string[]) };
}

export const DEP5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: demo

Files: *
Copyright: 2020 Someone
License: GPL-2+

Files: lib/*
Copyright: 2021 Other
License: LGPL-2.1+ or BSD-3-clause

Files: vendor/x.c
Copyright: 2019 X
License: Expat

Files: weird/*
Copyright: 2018 Y
License: Demo-Permissive
 Permission is granted to do anything.
 .
 No warranty.

Files: debian/*
Copyright: 2022 Z
License: GPL-2+
`;
