// IPC channel names, shared by the main process and the preload (no 'electron' import here).
export const EVENT_CHANNEL = 'augur:event';
export const methodChannel = (method: string): string => `augur:${method}`;
