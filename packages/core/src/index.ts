export * from './errors.js';
export * from './roles.js';
export * from './tokens.js';
export { version } from './version.js';
