export * from './ingest';
export * from './auth';
export * from './jobs';
export * from './tasking';
