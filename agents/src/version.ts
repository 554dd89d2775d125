/** Reported in the online message; kept in step with agents/package.json. */
export const AGENT_VERSION = '0.1.0';
