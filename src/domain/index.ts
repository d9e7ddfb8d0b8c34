export * from './campaign.js';
export * from './campaign-content.js';
export * from './campaign-events.js';
export * from './campaign-id.js';
export * from './campaign-status.js';
export * from './domain-errors.js';
export * from './domain-event.js';
