export * from './env-names.js';
export * from './config.js';
export * from './model.js';
export * from './ports.js';
export * from './taxonomy.js';
export * from './tagger.js';
export * from './text.js';
