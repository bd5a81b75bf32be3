export * from './ingest';
export * from './auth';
