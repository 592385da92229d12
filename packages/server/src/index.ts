export { type App, createApp } from './app.js';
export type { AppDeps } from './app-deps.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { type RunningServer, startServer } from './start.js';
