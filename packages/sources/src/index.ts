export * from './snapshot.js';
export * from './load-source.js';
