/** pare's version, recorded in image history and SBOMs. */
export const VERSION = '0.1.0';
