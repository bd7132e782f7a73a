export { ContentService, type ContentDeps } from './service.ts';
export { contentCommands } from './handlers.ts';
export { loadPack, type Pack, type Post } from './pack.ts';
export { renderBody } from './render.ts';
export { contentDataPart } from './data-part.ts';
