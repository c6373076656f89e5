import type { common as ru } from '../ru/common.js';
import type { Message } from '../catalog.js';

export const common: Record<keyof typeof ru, Message> = {
  yes: 'Yes',
  no: 'No',
  back: 'Back',
  skip: 'Skip',
  done: 'Done',
  menu: 'Menu',
  something_went_wrong: 'Something went wrong. We are looking into it; please try again a little later.',
};
