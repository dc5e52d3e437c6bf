/** supply/sign: cosign-compatible keys and image signatures. */
export { secretboxSeal, secretboxOpen, poly1305, xsalsa20Stream, hsalsa20 } from './secretbox.js';
export { pemEncode, pemDecode, type PemBlock } from './pem.js';
export {
  encryptPrivateKey,
  decryptPrivateKey,
  scryptKey,
  SIGSTORE_KEY_PEM,
  COSIGN_KEY_PEM,
  SCRYPT_DEFAULT,
  type EncryptedKeyJson,
} from './encrypted-key.js';
export {
  generateKeyPair,
  keySigner,
  loadSigner,
  parsePublicKey,
  verifySignature,
  passwordFromEnv,
  type Signer,
  type KeyPairPem,
} from './keys.js';
export {
  simpleSigningPayload,
  parseSimpleSigning,
  signDigest,
  checkSignature,
  SIMPLE_SIGNING_MEDIA_TYPE,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_TYPE,
  type SimpleSigning,
  type SignedPayload,
} from './simple-signing.js';
export {
  signImage,
  verifyImage,
  defaultIdentity,
  type SignImageOptions,
  type SignImageResult,
  type VerifiedSignature,
} from './image.js';
