import { KeyboardState as ChannelKeyboardState } from '../keyboard-state.js';
import type { Rows } from './keyboard.js';

/** Max's keyboards, keyed by its string message ids. */
export class KeyboardState extends ChannelKeyboardState<Rows, string> {}
