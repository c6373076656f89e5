/** The chat networks Sputnik talks through. */
export const CHANNELS = ['telegram', 'whatsapp', 'max'] as const;
export type Channel = (typeof CHANNELS)[number];
