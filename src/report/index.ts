/** report/: `pare report`'s data (gathered from an image, pure JSON) and its self-contained HTML page. */
export { reportDocument, type ReportOptions } from './gather.js';
export { renderHtml } from './html.js';
export { imageReport, type ImageInput } from './image.js';
export { comparisonReport } from './compare.js';
export { squarify, type Rect, type Placed } from './treemap.js';
export { whyPaths } from './why.js';
export * from './model.js';
