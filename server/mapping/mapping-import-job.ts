import { z } from 'zod';
import type { JobDefinition } from '../jobs/job-registry';
import { MAPPING_IMPORT_JOB, runMappingImport } from './run-mapping-import';

const data = z.object({ installationId: z.uuid(), runId: z.uuid() });

/** One import run per job; a retry (or a job re-sent for a stale run) resumes from the run's cursor. */
export const mappingImportJob: JobDefinition = {
  name: MAPPING_IMPORT_JOB,
  retryLimit: 5,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 15 * 60,
  async run(ctx, raw) {
    await runMappingImport(ctx, data.parse(raw));
  },
};
