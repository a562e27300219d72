/** Words the generator draws from: names, objects, places. Shared by every split (no OOD vocabulary). */
export interface Person {
  name: string;
  pron: string; // he / she
  pos: string; // his / her
  obj: string; // him / her
}

const MALE = ['Tom', 'Ben', 'Sam', 'Leo', 'Max', 'Omar', 'Ravi', 'Carlos', 'Jack', 'Noah', 'Ivan', 'Kenji', 'Luis', 'Adam', 'Hugo'];
const FEMALE = ['Anna', 'Mia', 'Lucy', 'Sara', 'Emma', 'Nina', 'Aisha', 'Maria', 'Lily', 'Zoe', 'Priya', 'Yuki', 'Olga', 'Rosa', 'Grace'];

export const PEOPLE: Person[] = [
  ...MALE.map((name) => ({ name, pron: 'he', pos: 'his', obj: 'him' })),
  ...FEMALE.map((name) => ({ name, pron: 'she', pos: 'her', obj: 'her' })),
];

export interface Noun {
  one: string;
  many: string;
}
const n = (one: string, many = `${one}s`): Noun => ({ one, many });

/** Things bought in shops, with a typical unit price range in dollars. */
export const GOODS: Noun[] = [
  n('pen'),
  n('notebook'),
  n('apple'),
  n('orange'),
  n('book'),
  n('cup'),
  n('toy'),
  n('candle'),
  n('ball'),
  n('shirt'),
  n('hat'),
  n('mug'),
  n('pencil'),
  n('plate'),
  n('lamp'),
  n('sandwich', 'sandwiches'),
  n('box', 'boxes'),
  n('card'),
  n('ticket'),
  n('bottle'),
];

/** Small countable things people own, give away and pack. */
export const THINGS: Noun[] = [
  n('apple'),
  n('marble'),
  n('sticker'),
  n('cookie'),
  n('egg'),
  n('card'),
  n('stamp'),
  n('shell'),
  n('candy', 'candies'),
  n('pencil'),
  n('book'),
  n('toy'),
  n('flower'),
  n('coin'),
  n('muffin'),
  n('orange'),
];

export const SHOPS = ['shop', 'store', 'market', 'bakery', 'mall'];
export const PRODUCTS: Noun[] = [n('toy'), n('chair'), n('box', 'boxes'), n('cake'), n('shirt'), n('bottle'), n('card'), n('cup')];
export const MACHINES = ['machine', 'printer', 'robot', 'factory'];
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const PLACES = ['garden', 'room', 'field', 'yard', 'kitchen', 'park'];
export const GROUPS = ['class', 'club', 'school', 'team', 'choir'];
export const MEMBERS: [Noun, Noun][] = [
  [n('boy'), n('girl')],
  [n('cat'), n('dog')],
  [n('red ball'), n('blue ball')],
  [n('teacher'), n('student')],
  [n('apple'), n('orange')],
];
export const COLORS = ['red', 'blue', 'green', 'yellow', 'white'];
export const ACTIVITIES = ['piano', 'guitar', 'soccer', 'chess', 'tennis', 'drawing'];
export const GAMES = ['game', 'test', 'match', 'round'];
