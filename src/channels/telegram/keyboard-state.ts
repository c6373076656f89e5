import type { InlineKeyboardMarkup } from 'grammy/types';
import { KeyboardState as ChannelKeyboardState } from '../keyboard-state.js';

/** Telegram's keyboards, keyed by numeric message ids. */
export class KeyboardState extends ChannelKeyboardState<InlineKeyboardMarkup, number> {}
