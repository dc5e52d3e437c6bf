export { BlobCache, defaultCacheDir, sha256Hex } from './cache.js';
export { fetchBlob, fetchBlobs, type BlobRequest, type FetchOptions } from './fetch.js';
export { nodeHttp, type Http, type HttpOptions, type HttpResponse } from './http.js';
export { silentProgress, ttyProgress, humanBytes, type Progress } from './progress.js';
