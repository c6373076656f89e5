/**
 * A chat network Sputnik talks through, by name: "telegram", "whatsapp", "max"... The list of
 * channels is not fixed here: each channel is one folder under src/channels, registered in
 * src/channels/registry.ts, so the domain and the store accept any well-formed name.
 */
export type Channel = string;

/** Lower-case letters, digits and dashes: the prefix of an address URN ("telegram:12345"). */
export const CHANNEL_NAME = /^[a-z][a-z0-9-]{1,30}$/;

export function isChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}
