// IPC channel names, shared by the main process and the preload (no 'electron' import here).
export const EVENT_CHANNEL = 'augur:event';
export const methodChannel = (method: string): string => `augur:${method}`;
/** The preload's fileRef: a dropped or picked file's path in, an id for it out (main/picked-files.ts). */
export const PICK_FILE_CHANNEL = 'augur:pickFile';
