/** The chat networks Sputnik talks through. */
export const CHANNELS = ['telegram', 'whatsapp'] as const;
export type Channel = (typeof CHANNELS)[number];
