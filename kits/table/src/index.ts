// @coex/kit-table: what tabular plugins (benchmark lookups) share: the CSV reader, column and key
// lookups with file:line errors, and the options that name the table.
export * from './csv';
export { tableLookupOptions } from './options';
