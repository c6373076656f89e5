export const common = {
  yes: 'Да',
  no: 'Нет',
  back: 'Назад',
  skip: 'Пропустить',
  done: 'Готово',
  menu: 'Меню',
  something_went_wrong: 'Что-то пошло не так. Мы уже разбираемся; попробуйте ещё раз чуть позже.',
};
