export * from './components.js';
export * from './config-edit.js';
export * from './frontmatter.js';
export * from './install-error.js';
export * from './install-targets.js';
export * from './project-files.js';
export * from './render.js';
export * from './targets-doc.js';
