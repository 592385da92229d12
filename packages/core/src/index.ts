export * from './errors.js';
export * from './integrity.js';
export * from './manifest.js';
export * from './names.js';
export * from './permissions.js';
export * from './roles.js';
export * from './scanner/index.js';
export * from './tokens.js';
export { version } from './version.js';
