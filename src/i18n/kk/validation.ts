import type { validation as ru } from '../ru/validation.js';
import type { Message } from '../catalog.js';

// Numbers in placeholders take no case endings here ("1–{max} аралығындағы"): a Kazakh ending
// depends on how the number is read, which a template cannot know.
export const validation: Record<keyof typeof ru, Message> = {
  required: 'Бұл міндетті сұрақ. Оған жауап беріңізші.',
  empty_optional: 'Жауабыңызды жазыңыз немесе бұл сұрақты өткізіп жіберіңіз.',
  choice_number_range: 'Мұндай нөмір жоқ. 1–{max} аралығындағы нөмірді жіберіңіз.',
  choice_unknown: 'Мұндай нұсқа жоқ. 1–{max} аралығындағы нұсқа нөмірін жіберіңіз.',
  choice_single: 'Мұнда бір ғана нұсқа керек. 1–{max} аралығындағы бір нөмірді жіберіңіз.',
  choice_too_few: { one: 'Кемінде {count} нұсқаны таңдаңыз.', other: 'Кемінде {count} нұсқаны таңдаңыз.' },
  choice_too_many: { one: 'Ең көбі {count} нұсқа таңдауға болады.', other: 'Ең көбі {count} нұсқа таңдауға болады.' },
  choice_exactly: { one: 'Дәл {count} нұсқаны таңдаңыз.', other: 'Дәл {count} нұсқаны таңдаңыз.' },
  ranking_count: {
    one: 'Ең маңызды {count} нұсқаны атаңыз.',
    other:
      '{count} нұсқаны маңыздылығы бойынша ретімен орналастырыңыз: ең маңыздысынан бастап, нөмірлерін бос орын немесе үтір арқылы жіберіңіз.',
  },
  ranking_duplicate: 'Әр нұсқаны тек бір рет атауға болады.',
  scale_range: '{min}–{max} аралығындағы санды таңдаңыз.',
  number_invalid: 'Санды цифрмен жазыңызшы, мысалы: 12.',
  number_integer: 'Бөлшегі жоқ бүтін сан керек.',
  number_range: '{min}–{max} аралығындағы санды енгізіңіз.',
  number_min: 'Сан {min} санынан кем болмауы керек.',
  number_max: 'Сан {max} санынан аспауы керек.',
  text_too_long: {
    one: 'Жауап тым ұзын болып кетті. Оны {count} таңбаға дейін қысқартыңызшы (қазір таңба саны: {length}).',
    other: 'Жауап тым ұзын болып кетті. Оны {count} таңбаға дейін қысқартыңызшы (қазір таңба саны: {length}).',
  },
  date_format: 'Күнді кк.аа.жжжж пішімінде көрсетіңіз, мысалы: {example}.',
  date_nonexistent: 'Күнтізбеде мұндай күн жоқ: {date}. Күн мен айды тексеріңіз.',
  date_future: 'Бұл күн әлі келген жоқ. Бүгінгі күннен ({today}) кеш емес күнді көрсетіңіз.',
  date_min: '{min} күнінен ерте емес күнді көрсетіңіз.',
  date_max: '{max} күнінен кеш емес күнді көрсетіңіз.',
  date_range: '{min} – {max} аралығындағы күнді көрсетіңіз.',
  link_invalid: 'Бұл сілтемеге ұқсамайды. https:// деп басталатын мекенжайды жіберіңіз.',
  link_scheme: 'Мұндай сілтемені браузерде ашу мүмкін емес. Беттің https:// деп басталатын мекенжайын жіберіңіз.',
  link_spaces: 'Тек сілтеменің өзін жіберіңізші — бос орынсыз және түсініктемесіз.',
  link_too_long: 'Сілтеме тым ұзын. Қысқарақ мекенжай жіберіңізші.',
  yes_no_invalid: '«Иә» немесе «жоқ» деп жауап беріңізші.',
  other_text_required: 'Сіз «Басқа» нұсқасын таңдадыңыз. Нақты не екенін жазыңызшы.',
  option_other: 'Басқа',
  hint_date: 'кк.аа.жжжж',
  hint_number: 'сан',
  hint_number_range: '{min}–{max} аралығындағы сан',
  hint_link: 'https:// деп басталатын сілтеме',
  skipped: 'өткізіп жіберілді',
};
