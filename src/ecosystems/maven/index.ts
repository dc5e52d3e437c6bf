/**
 * The maven ecosystem: JARs the config adds with `paths` report their Maven
 * coordinates (pkg:maven) from pom.properties. JARs are taken from the
 * build context rather than fetched by coordinates: the build that made the
 * application's JAR already resolved and verified them, and a fat JAR
 * carries its dependencies' pom.properties, so every one is reported.
 */
import type { Ecosystem } from '../types.js';
import { jarComponents } from './jar.js';

export const maven: Ecosystem = { id: 'maven', scan: jarComponents };
