/** The English word list of the domain/3 features and its segmenter (data/english-words.txt, see its header). */
import { loadWordList } from './lexicon';
import { createWordSegmenter } from './word-segment';

export const ENGLISH_WORDS: readonly string[] = loadWordList('english-words.txt');
export const WORD_SEGMENTER = createWordSegmenter(ENGLISH_WORDS);
