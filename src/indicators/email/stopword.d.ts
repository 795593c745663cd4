/**
 * The npm package `stopword` (MIT; its lists MIT or Apache-2.0, node_modules/stopword/dist/3rd-party.txt)
 * ships no types: one array of function words per language (ISO 639-3 codes, e.g. `eng`, `deu`, `porBr`)
 * and `removeStopwords`, which this code does not use.
 */
declare module 'stopword' {
  const lists: Record<string, unknown>;
  export = lists;
}
