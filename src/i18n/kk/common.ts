import type { common as ru } from '../ru/common.js';
import type { Message } from '../catalog.js';

export const common: Record<keyof typeof ru, Message> = {
  yes: 'Иә',
  no: 'Жоқ',
  back: 'Артқа',
  skip: 'Өткізіп жіберу',
  done: 'Дайын',
  menu: 'Мәзір',
  something_went_wrong: 'Бір нәрсе дұрыс болмады. Біз оны қарап жатырмыз; біраздан кейін қайталап көріңіз.',
};
