/** The CLI's tables and CSV, shared with the extension through src/shared. */
export { formatSummary, table } from '../shared/summary';
export { csvCell, formatCsv } from '../shared/resultCsv';
