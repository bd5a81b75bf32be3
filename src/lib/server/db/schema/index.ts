export * from './ingest';
export * from './auth';
export * from './jobs';
export * from './products';
export * from './alerts';
export * from './tasking';
