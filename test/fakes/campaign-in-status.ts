import type { CampaignSnapshot, CampaignStatus } from '../../src/domain/index.js';

/**
 * A snapshot moved to `status` with the moments that status has when the campaign's own verbs lead there
 * (a paused campaign was started and paused, a terminated one started and terminated), all at `at`.
 */
export function snapshotIn(snapshot: CampaignSnapshot, status: CampaignStatus, at = snapshot.createdAt): CampaignSnapshot {
  const started = status === 'running' || status === 'paused' || status === 'terminated' || status === 'completed';
  return {
    ...snapshot,
    status,
    startedAt: started ? at : null,
    pausedAt: status === 'paused' ? at : null,
    terminatedAt: status === 'terminated' ? at : null,
    completedAt: status === 'completed' ? at : null,
  };
}
