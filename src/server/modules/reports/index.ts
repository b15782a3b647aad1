/** The reports module's public surface: the contract a module implements to offer a background report. */
export type { ReportContext, ReportFile, ReportKind } from '../../contracts/report.js';
export { REPORT_RETENTION_DAYS } from './reports.service.js';
