/**
 * OpenPGP verification of Debian repository signatures (InRelease, Release +
 * Release.gpg) on node:crypto alone: v4 keys and signatures, RSA, ECDSA,
 * EdDSA. Pure: bytes in, values out.
 */
export { parseKeyring } from './keyring.js';
export type { Keyring, PublicKey } from './keyring.js';
export { verifyCleartext, verifyDetached } from './verify.js';
export type { Signer, VerifiedText, VerifyOptions } from './verify.js';
export { parseCleartext } from './cleartext.js';
export type { Cleartext } from './cleartext.js';
export { crc24, dearmor } from './armor.js';
export type { ArmorBlock } from './armor.js';
export { Tag, encodePacket, readPackets } from './packets.js';
export type { Packet } from './packets.js';
