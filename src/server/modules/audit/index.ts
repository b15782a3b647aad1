/** The audit module's public surface: recording who changed what (every module writes its mutations here). */
export { type AuditScope, changedFields, recordAudit } from './audit.service.js';
